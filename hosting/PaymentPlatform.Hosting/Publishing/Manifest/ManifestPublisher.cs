using System.Text.Encodings.Web;
using System.Text.Json;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Postgres;
using PaymentPlatform.Hosting.Redis;

namespace PaymentPlatform.Hosting.Publishing.Manifest;

/// <summary>
/// Writes the Aspire manifest (aspire-8.0 schema) that azd and other Aspire-aware tools deploy:
/// projects as <c>project.v0</c>, PostgreSQL and Redis as <c>container.v0</c>, databases as
/// <c>value.v0</c>, parameters as <c>parameter.v0</c>. Values stay expressions; azd fills them in.
/// </summary>
internal sealed class ManifestPublisher : IDistributedApplicationPublisher
{
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    /// <summary>The length of generated secrets, as in run mode (<see cref="ParameterResource.GenerateValue"/>).</summary>
    private const int GeneratedSecretLength = 24;

    public Task<IReadOnlyList<string>> PublishAsync(PublishingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = context.Model;
        model.RequireSupportedResources("manifest");
        var path = Directory.Exists(context.OutputPath) || Path.EndsInDirectorySeparator(context.OutputPath)
            ? Path.Combine(context.OutputPath, "aspire-manifest.json")
            : context.OutputPath;
        var manifestDirectory = Path.GetDirectoryName(path)!;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // Expressions and scripts stay readable ('+', '<', '&', quotes unescaped); the file is never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUrl);
            json.WriteStartObject("resources");
            foreach (var resource in model.Resources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                json.WriteStartObject(resource.Name);
                switch (resource)
                {
                    case ParameterResource parameter:
                        WriteParameter(json, parameter);
                        break;
                    case PostgresServerResource server:
                        WritePostgres(json, server);
                        break;
                    case PostgresDatabaseResource database:
                        json.WriteString("type", "value.v0");
                        // The database's own role, not the server's superuser (docs/contracts.md).
                        json.WriteString("connectionString", database.ConnectionStringExpression.ValueExpression);
                        break;
                    case RedisResource redis:
                        WriteRedis(json, redis);
                        break;
                    case ProjectResource project:
                        WriteProject(json, project, model, manifestDirectory);
                        break;
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        var content = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        return Task.FromResult<IReadOnlyList<string>>([OutputFiles.WriteFile(path, content)]);
    }

    private static void WriteParameter(Utf8JsonWriter json, ParameterResource parameter)
    {
        json.WriteString("type", "parameter.v0");
        json.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        json.WriteStartObject("inputs");
        json.WriteStartObject("value");
        json.WriteString("type", "string");
        if (parameter.Secret)
        {
            json.WriteBoolean("secret", true);
        }
        if (parameter.GenerateWhenMissing)
        {
            // Letters and digits only, like run mode's values: safe inside connection strings.
            json.WriteStartObject("default");
            json.WriteStartObject("generate");
            json.WriteNumber("minLength", GeneratedSecretLength);
            json.WriteBoolean("special", false);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePostgres(Utf8JsonWriter json, PostgresServerResource server)
    {
        json.WriteString("type", "container.v0");
        json.WriteString("connectionString", server.ConnectionStringExpression.ValueExpression);
        json.WriteString("image", PublishingModel.ImageOf(server));
        // The image creates no roles; the entrypoint installs the databases' setup as an init script.
        json.WriteString("entrypoint", "/bin/sh");
        WriteArgs(json, ["-c", ContainerScripts.PostgresEntrypointScript(server.Databases)]);
        WriteVolumes(json, server, "/var/lib/postgresql/data");
        json.WriteStartObject("env");
        json.WriteString("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
        json.WriteString("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256");
        json.WriteString("POSTGRES_USER", PostgresServerResource.SuperUserName);
        json.WriteString("POSTGRES_PASSWORD", server.PasswordParameter.ValueExpression);
        foreach (var database in server.Databases)
        {
            json.WriteString(ContainerScripts.PasswordVariable(database), database.RolePasswordParameter.ValueExpression);
        }
        json.WriteEndObject();
        WriteBindings(json, server);
    }

    private static void WriteRedis(Utf8JsonWriter json, RedisResource redis)
    {
        var tcp = redis.PrimaryEndpoint.Annotation;
        json.WriteString("type", "container.v0");
        json.WriteString("connectionString", redis.ConnectionStringExpression.ValueExpression);
        json.WriteString("image", PublishingModel.ImageOf(redis));
        json.WriteString("entrypoint", "/bin/sh");
        WriteArgs(json, ["-c", ContainerScripts.RedisScript(redis.PasswordParameter.Name, tcp.TargetPort)]);
        WriteVolumes(json, redis, "/data");
        json.WriteStartObject("env");
        json.WriteString("REDIS_PASSWORD", redis.PasswordParameter.ValueExpression);
        json.WriteEndObject();
        WriteBindings(json, redis);
    }

    private static void WriteProject(Utf8JsonWriter json, ProjectResource project, PublishingModel model, string manifestDirectory)
    {
        json.WriteString("type", "project.v0");
        // Relative to the manifest's folder, as the schema says; '/' on every machine.
        json.WriteString("path", Path.GetRelativePath(manifestDirectory, project.Metadata.ProjectPath).Replace('\\', '/'));
        json.WriteStartObject("env");
        // What run mode sets on every project that still matters when deployed (ProjectRunner).
        json.WriteString("OTEL_SERVICE_NAME", project.Name);
        json.WriteString("OTEL_EXPORTER_OTLP_PROTOCOL", DeploymentDefaults.OtlpProtocol);
        json.WriteString("HTTP_PORTS", $"{{{project.Name}.bindings.http.targetPort}}");
        foreach (var variable in model.EnvironmentOf(project))
        {
            json.WriteString(variable.Name, variable.Value);
        }
        json.WriteEndObject();
        WriteBindings(json, project);
    }

    private static void WriteArgs(Utf8JsonWriter json, IEnumerable<string> args)
    {
        json.WriteStartArray("args");
        foreach (var arg in args)
        {
            json.WriteStringValue(arg);
        }
        json.WriteEndArray();
    }

    private static void WriteVolumes(Utf8JsonWriter json, IResource resource, string target)
    {
        // The last WithDataVolume wins, as in run mode (DataLayout).
        if (resource.Annotations.OfType<DataVolumeAnnotation>().LastOrDefault() is not { } volume)
        {
            return;
        }
        json.WriteStartArray("volumes");
        json.WriteStartObject();
        json.WriteString("name", volume.VolumeName);
        json.WriteString("target", target);
        json.WriteBoolean("readOnly", false);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteBindings(Utf8JsonWriter json, IResource resource)
    {
        json.WriteStartObject("bindings");
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            json.WriteStartObject(endpoint.Name);
            json.WriteString("scheme", endpoint.UriScheme);
            json.WriteString("protocol", "tcp");
            json.WriteString("transport", endpoint.UriScheme is "http" or "https" ? "http" : "tcp");
            json.WriteNumber("targetPort", endpoint.TargetPort);
            if (endpoint.IsExternal)
            {
                json.WriteBoolean("external", true);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
