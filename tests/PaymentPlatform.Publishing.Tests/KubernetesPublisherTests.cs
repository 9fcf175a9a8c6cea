using PaymentPlatform.Publishing.Tests.Infrastructure;

namespace PaymentPlatform.Publishing.Tests;

/// <summary>The Kubernetes output of the platform's own AppHost, as <c>kubectl apply -k</c> would send it.</summary>
[Collection(PublishedPlatformCollection.Name)]
public sealed class KubernetesPublisherTests(PublishedPlatform platform)
{
    private static readonly string[] Services = ["directory", "gateway", "ledger", "notify", "risk"];
    private static readonly string[] Databases = ["paymentsdb", "ledgerdb", "notifydb", "riskdb"];

    [Fact]
    public async Task KustomizeBuildsTheOutputWithoutACluster()
    {
        var result = await platform.KustomizeAsync();

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("kind: Deployment", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryObjectValidatesAgainstTheKubernetesOpenApiSchemas()
    {
        var built = await platform.KustomizeAsync();
        Assert.True(built.ExitCode == 0, built.Describe());

        var result = await Tools.ValidateKubernetesAsync(built.StandardOutput);

        Assert.True(result.ExitCode == 0, result.Describe());
        var objects = await platform.KubernetesObjectsAsync();
        Assert.Contains($"{objects.Count} of {objects.Count} objects valid", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryServiceIsADeploymentWithProbesLimitsAndALockedDownContainer()
    {
        var objects = await platform.KubernetesObjectsAsync();

        Assert.Equal(Services, objects.OfKind("Deployment").Select(d => d.Name()).Order(StringComparer.Ordinal));
        Assert.All(Services, name =>
        {
            var deployment = objects.Single("Deployment", name);
            var pod = deployment.PodSpec();
            var container = deployment.Container();
            Assert.Equal($"paymentplatform-{name}:latest", (string?)container["image"]);
            Assert.Equal("/health", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
            Assert.Equal("/alive", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
            Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
            Assert.NotNull(container["resources"]!["requests"]!["memory"]);
            Assert.NotNull(container["resources"]!["limits"]!["cpu"]);
            Assert.NotNull(container["resources"]!["limits"]!["memory"]);
            Assert.Equal("true", (string?)pod["securityContext"]!["runAsNonRoot"]);
            Assert.Equal("1654", (string?)pod["securityContext"]!["runAsUser"]);
            Assert.Equal("true", (string?)container["securityContext"]!["readOnlyRootFilesystem"]);
            Assert.Equal("false", (string?)container["securityContext"]!["allowPrivilegeEscalation"]);
            Assert.Equal("ALL", (string?)container["securityContext"]!["capabilities"]!["drop"]![0]);
            Assert.Equal("false", (string?)pod["enableServiceLinks"]);
        });
    }

    [Fact]
    public async Task AStoppingServiceFinishesInFlightPaymentsWithinItsGracePeriod()
    {
        var objects = await platform.KubernetesObjectsAsync();

        Assert.All(Services, name =>
        {
            var deployment = objects.Single("Deployment", name);
            var preStop = int.Parse((string)deployment.Container()["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!, System.Globalization.CultureInfo.InvariantCulture);
            var drain = int.Parse((string)objects.Single("ConfigMap", $"{name}-config")["data"]!["DOTNET_SHUTDOWNTIMEOUTSECONDS"]!, System.Globalization.CultureInfo.InvariantCulture);
            var grace = int.Parse((string)deployment.PodSpec()["terminationGracePeriodSeconds"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(preStop > 0);
            // The standard resilience handler gives an internal call up to 30 s.
            Assert.True(drain >= 30, $"'{name}' drains for {drain} s");
            Assert.True(grace > preStop + drain, $"'{name}': grace {grace} s must exceed pre-stop {preStop} s plus drain {drain} s");
        });
    }

    [Fact]
    public async Task ReplicasComeFromTheGraphAndOnlyTheGatewayAutoscales()
    {
        var objects = await platform.KubernetesObjectsAsync();

        foreach (var name in Services.Where(s => s != "gateway"))
        {
            Assert.Equal("1", (string?)objects.Single("Deployment", name)["spec"]!["replicas"]);
        }
        // The autoscaler owns the gateway's replica count, from the graph's two upwards.
        Assert.Null(objects.Single("Deployment", "gateway")["spec"]!["replicas"]);
        var autoscaler = Assert.Single(objects.OfKind("HorizontalPodAutoscaler"));
        Assert.Equal("gateway", (string?)autoscaler["spec"]!["scaleTargetRef"]!["name"]);
        Assert.Equal("2", (string?)autoscaler["spec"]!["minReplicas"]);
        Assert.True(int.Parse((string)autoscaler["spec"]!["maxReplicas"]!, System.Globalization.CultureInfo.InvariantCulture) > 2);
        var budget = Assert.Single(objects.OfKind("PodDisruptionBudget"));
        Assert.Equal("gateway", budget.Name());
        Assert.Equal("gateway", (string?)budget["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"]);
    }

    [Fact]
    public async Task OnlyTheGatewayIsReachableFromOutsideTheCluster()
    {
        var objects = await platform.KubernetesObjectsAsync();

        var ingress = Assert.Single(objects.OfKind("Ingress"));
        Assert.Equal("gateway", (string?)ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]);
        Assert.All(objects.OfKind("Service"), service =>
            Assert.True((string?)service["spec"]!["type"] == "ClusterIP" || (string?)service["spec"]!["clusterIP"] == "None", $"Service '{service.Name()}' is exposed: {service["spec"]}"));
        // Inside the cluster, only the gateway admits everyone; the ledger admits the gateway alone.
        var open = objects.OfKind("NetworkPolicy").Where(p => p["spec"]!["ingress"]!.AsArray().Any(rule => rule!.AsObject().Count == 0)).Select(p => p.Name());
        Assert.Equal(["gateway"], open);
        var ledgerClients = objects.Single("NetworkPolicy", "ledger")["spec"]!["ingress"]![0]!["from"]![0]!["podSelector"]!["matchExpressions"]![0]!["values"]!;
        Assert.Equal(["gateway"], ledgerClients.AsArray().Select(v => (string)v!));
        var postgresClients = objects.Single("NetworkPolicy", "postgres")["spec"]!["ingress"]![0]!["from"]![0]!["podSelector"]!["matchExpressions"]![0]!["values"]!;
        Assert.Equal(["gateway", "ledger", "notify", "postgres-init", "risk"], postgresClients.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public async Task ServiceDiscoveryVariablesPointAtClusterDnsNames()
    {
        var objects = await platform.KubernetesObjectsAsync();
        var gateway = objects.Single("ConfigMap", "gateway-config")["data"]!;

        Assert.Equal("http://ledger:8080", (string?)gateway["services__ledger__http__0"]);
        Assert.Equal("http://ledger:8080", (string?)gateway["LEDGER_HTTP"]);
        Assert.Equal("http://risk:8080", (string?)gateway["services__risk__http__0"]);
        Assert.Equal("http://directory:8080", (string?)gateway["services__directory__http__0"]);
        Assert.Equal("postgres", (string?)gateway["PAYMENTSDB_HOST"]);
        Assert.Equal("5432", (string?)gateway["PAYMENTSDB_PORT"]);
        Assert.Equal("gateway", (string?)gateway["OTEL_SERVICE_NAME"]);
        Assert.Equal("http/protobuf", (string?)gateway["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        // Every Service is named after its resource, on the port the variables give.
        Assert.Equal("8080", (string?)objects.Single("Service", "ledger")["spec"]!["ports"]![0]!["port"]);
        Assert.Equal("5432", (string?)objects.Single("Service", "postgres")["spec"]!["ports"]![0]!["port"]);
    }

    [Fact]
    public async Task SecretsReachServicesOnlyThroughSecretObjects()
    {
        var objects = await platform.KubernetesObjectsAsync();
        var ledger = objects.Single("Deployment", "ledger").Container();

        Assert.Equal("secret:internal-token", ledger.Env("InternalApi__Token"));
        Assert.Equal("secret:ledgerdb-password", ledger.Env("LEDGERDB_PASSWORD"));
        // Composed in the pod from the variable that reads the Secret.
        Assert.Equal("Host=postgres;Port=5432;Username=ledgerdb;Password=$(LEDGERDB_PASSWORD);Database=ledgerdb", ledger.Env("ConnectionStrings__ledgerdb"));
        var ledgerConfig = objects.Single("ConfigMap", "ledger-config")["data"]!.AsObject();
        Assert.DoesNotContain(ledgerConfig, pair => pair.Key.Contains("PASSWORD", StringComparison.Ordinal) || pair.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || pair.Key == "InternalApi__Token");
        Assert.All(objects.OfKind("ConfigMap"), map => Assert.DoesNotContain("password", map.ToJsonString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SecretsHoldEmptyPlaceholdersAndTheReadmeSaysHowToFillThem()
    {
        var objects = await platform.KubernetesObjectsAsync();
        var secrets = objects.OfKind("Secret").ToList();

        Assert.Equal(platform.SecretCanaries.Keys.Order(StringComparer.Ordinal), secrets.Select(s => s.Name()).Order(StringComparer.Ordinal));
        Assert.All(secrets, secret =>
        {
            Assert.Equal("", (string?)secret["stringData"]!["value"]);
            Assert.Null(secret["data"]);
        });
        var readme = await File.ReadAllTextAsync(Path.Combine(platform.KubernetesDirectory, "README.md"));
        Assert.Contains("kubectl create secret generic", readme, StringComparison.Ordinal);
        Assert.All(secrets, secret => Assert.Contains(secret.Name(), readme, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgresAndRedisAreStatefulSetsWithVolumeClaims()
    {
        var objects = await platform.KubernetesObjectsAsync();

        Assert.Equal(["cache", "postgres"], objects.OfKind("StatefulSet").Select(s => s.Name()).Order(StringComparer.Ordinal));
        Assert.All(objects.OfKind("StatefulSet"), set =>
        {
            var claim = Assert.Single(set["spec"]!["volumeClaimTemplates"]!.AsArray())!;
            Assert.Equal("ReadWriteOnce", (string?)claim["spec"]!["accessModes"]![0]);
            Assert.NotNull(claim["spec"]!["resources"]!["requests"]!["storage"]);
            Assert.Equal("1", (string?)set["spec"]!["replicas"]);
            Assert.Equal(set.Name(), (string?)set["spec"]!["serviceName"]);
        });
        var postgres = objects.Single("StatefulSet", "postgres").Container();
        Assert.Equal("secret:postgres-password", postgres.Env("POSTGRES_PASSWORD"));
        Assert.Equal("scram-sha-256", postgres.Env("POSTGRES_HOST_AUTH_METHOD"));
        var redis = objects.Single("StatefulSet", "cache").Container();
        var command = string.Join(' ', redis["command"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("--appendonly yes --appendfsync always --maxmemory-policy noeviction", command, StringComparison.Ordinal);
        Assert.Contains("--dir /data", command, StringComparison.Ordinal);
        Assert.Equal("secret:cache-password", redis.Env("REDIS_PASSWORD"));
        // The password reaches Redis on stdin, never as an argument.
        Assert.DoesNotContain("--requirepass", command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobCreatesEachDatabaseAndTheRoleThatOwnsIt()
    {
        var objects = await platform.KubernetesObjectsAsync();

        var job = Assert.Single(objects.OfKind("Job"));
        Assert.Equal("postgres-init", job.Name());
        var container = job.Container();
        var script = (string)container["command"]![2]!;
        Assert.Equal("postgres", container.Env("PGHOST"));
        Assert.Equal("secret:postgres-password", container.Env("PGPASSWORD"));
        foreach (var database in Databases)
        {
            var password = $"{database.ToUpperInvariant()}_PASSWORD";
            Assert.Equal($"secret:{database}-password", container.Env(password));
            Assert.Contains($"SELECT format('CREATE ROLE %I LOGIN', '{database}')", script, StringComparison.Ordinal);
            Assert.Contains($"ALTER ROLE \"{database}\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'{database}_password';", script, StringComparison.Ordinal);
            Assert.Contains($"SELECT format('CREATE DATABASE %I OWNER %I', '{database}', '{database}')", script, StringComparison.Ordinal);
            Assert.Contains($"REVOKE ALL ON DATABASE \"{database}\" FROM PUBLIC;", script, StringComparison.Ordinal);
            Assert.Contains($"-v {database}_password=\"${password}\"", script, StringComparison.Ordinal);
        }
        // A service that waits for its database starts once its role can log in, which the Job makes possible.
        var wait = objects.Single("Deployment", "ledger").PodSpec()["initContainers"].Objects().Single(c => (string?)c["name"] == "wait-for-ledgerdb");
        Assert.Equal("ledgerdb", wait.Env("PGUSER"));
        Assert.Equal("secret:ledgerdb-password", wait.Env("PGPASSWORD"));
    }

    [Fact]
    public async Task TheKustomizationListsEveryFileAndNamesEachServiceImage()
    {
        var kustomization = Yaml.ReadDocument(await File.ReadAllTextAsync(Path.Combine(platform.KubernetesDirectory, "kustomization.yaml")));
        var listed = kustomization["resources"]!.AsArray().Select(r => (string)r!).Order(StringComparer.Ordinal);
        var written = Directory.EnumerateFiles(platform.KubernetesDirectory, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(platform.KubernetesDirectory, f).Replace('\\', '/'))
            .Where(f => f != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

        Assert.Equal(written, listed);
        Assert.Equal(Services.Select(s => $"paymentplatform-{s}").Order(StringComparer.Ordinal),
            kustomization["images"]!.AsArray().Select(i => (string)i!["name"]!).Order(StringComparer.Ordinal));
    }
}
