using PaymentPlatform.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var appDb = postgres.AddDatabase("appdb");
var cache = builder.AddRedis("cache");

builder.AddProject<Projects.PaymentPlatform_Hosting_TestService>("echo")
    .WithReference(appDb).WithReference(cache)
    .WaitFor(appDb).WaitFor(cache)
    .WithReplicas(2)
    .WithExternalHttpEndpoints();

builder.Build().Run();
