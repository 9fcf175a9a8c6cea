var builder = DistributedApplication.CreateBuilder(args);

var internalToken = builder.AddParameter("internal-token", secret: true);
var notifySecretsKey = builder.AddParameter("notify-secrets-key", secret: true);
var gatewayAdminKey = builder.AddParameter("gateway-admin-key", secret: true);
var gatewayHmacKey = builder.AddParameter("gateway-hmac-key", secret: true);
var vaultKey = builder.AddParameter("vault-key", secret: true);

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var paymentsDb = postgres.AddDatabase("paymentsdb");
var ledgerDb = postgres.AddDatabase("ledgerdb");
var notifyDb = postgres.AddDatabase("notifydb");
var riskDb = postgres.AddDatabase("riskdb");
var cache = builder.AddRedis("cache").WithDataVolume();

var ledger = builder.AddProject<Projects.PaymentPlatform_Ledger>("ledger")
    .WithReference(ledgerDb).WaitFor(ledgerDb)
    .WithInternalToken(internalToken);

var risk = builder.AddProject<Projects.PaymentPlatform_Risk>("risk")
    .WithReference(riskDb).WithReference(cache).WaitFor(riskDb).WaitFor(cache)
    .WithInternalToken(internalToken);

var notify = builder.AddProject<Projects.PaymentPlatform_Notify>("notify")
    .WithReference(notifyDb).WithReference(cache).WaitFor(notifyDb).WaitFor(cache)
    .WithEnvironment("Notify__SecretsKey", notifySecretsKey)
    .WithInternalToken(internalToken);

var directory = builder.AddProject<Projects.PaymentPlatform_Directory>("directory")
    .WithInternalToken(internalToken);

builder.AddProject<Projects.PaymentPlatform_Gateway>("gateway")
    .WithReference(paymentsDb).WithReference(cache)
    .WithReference(risk).WithReference(ledger).WithReference(notify).WithReference(directory)
    .WaitFor(paymentsDb).WaitFor(cache).WaitFor(risk).WaitFor(ledger)
    .WithEnvironment("Gateway__AdminKey", gatewayAdminKey)
    .WithEnvironment("Gateway__Idempotency__FingerprintKey", gatewayHmacKey)
    .WithEnvironment("Gateway__Vault__Keys__k1", vaultKey)
    .WithEnvironment("Gateway__Vault__ActiveKeyId", "k1")
    .WithEnvironment("Gateway__Vault__FingerprintKeyId", "k1")
    .WithInternalToken(internalToken)
    .WithReplicas(2)
    .WithExternalHttpEndpoints();

builder.Build().Run();
