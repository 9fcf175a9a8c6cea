using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace PaymentPlatform.Publishing.Tests.Infrastructure;

/// <summary>Reads YAML (one document or a stream) into JSON nodes; every scalar becomes a string.</summary>
internal static class Yaml
{
    public static List<JsonObject> ReadDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>()];
    }

    public static JsonObject ReadDocument(string yaml) => ReadDocuments(yaml).Single();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
    };
}

/// <summary>Short ways to read the Kubernetes objects the tests assert on.</summary>
internal static class KubernetesObjectExtensions
{
    public static string Kind(this JsonObject o) => (string)o["kind"]!;

    public static string Name(this JsonObject o) => (string)o["metadata"]!["name"]!;

    public static JsonObject Single(this IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.SingleOrDefault(o => o.Kind() == kind && o.Name() == name)
        ?? throw new Xunit.Sdk.XunitException($"No {kind} named '{name}' among: {string.Join(", ", objects.Select(o => $"{o.Kind()}/{o.Name()}"))}.");

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) => objects.Where(o => o.Kind() == kind);

    public static JsonObject PodSpec(this JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    public static JsonObject Container(this JsonObject workload, int index = 0) => workload.PodSpec()["containers"]![index]!.AsObject();

    public static IEnumerable<JsonObject> Objects(this JsonNode? array) => array?.AsArray().Select(n => n!.AsObject()) ?? [];

    /// <summary>A container's variable: its literal value, or "secret:NAME" for a secretKeyRef.</summary>
    public static string? Env(this JsonObject container, string name)
    {
        var variable = container["env"].Objects().FirstOrDefault(e => (string?)e["name"] == name);
        if (variable is null)
        {
            return null;
        }
        return variable["value"] is { } value
            ? (string?)value
            : $"secret:{(string?)variable["valueFrom"]?["secretKeyRef"]?["name"]}";
    }
}
