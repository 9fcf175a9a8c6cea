using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// The fuzz suite against the published contract: which operations <c>/openapi/v1.json</c> lists, and whether the
/// answers the cases got match its schemas. The kept answers are validated in one run of
/// eng/validators/validate-openapi.mjs (ajv's JSON Schema 2020-12 build, as OpenApiContractTests does): node and
/// ajv cost a second or so to start, so it runs once for the whole sample, not per answer.
/// </summary>
internal static class FuzzContract
{
    public static async Task<JsonNode> DocumentAsync(HttpClient anonymous)
    {
        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /openapi/v1.json answered {(int)response.StatusCode}.");
        }
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Every operation of the document, as "method path-template" ("post /v1/payments/{id}/capture").</summary>
    public static IReadOnlyList<string> Operations(JsonNode document) =>
        [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(operation => operation.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(operation => $"{operation.Key} {path.Key}"))];

    /// <summary>Validates the kept answers; returns one line per failing answer kind, with a case that got such an answer.</summary>
    public static async Task<(int Validated, List<string> Failures, string Output)> ValidateAsync(JsonNode document, IReadOnlyCollection<FuzzRunner.ContractSample> samples)
    {
        var kept = new List<(FuzzRunner.ContractSample Sample, JsonNode Body)>();
        foreach (var sample in samples)
        {
            try
            {
                if (JsonNode.Parse(sample.Body) is { } body)
                {
                    kept.Add((sample, body));
                }
            }
            catch (JsonException)
            {
                // Not JSON: the runner has already failed it (a problem+json body that is not JSON, or an unexpected answer).
            }
        }
        var directory = Directory.CreateTempSubdirectory("paymentplatform-fuzz-openapi-");
        try
        {
            var documentPath = Path.Combine(directory.FullName, "openapi.json");
            var samplesPath = Path.Combine(directory.FullName, "samples.json");
            await File.WriteAllTextAsync(documentPath, document.ToJsonString());
            var array = new JsonArray([.. kept.Select(k => (JsonNode)new JsonObject
            {
                ["method"] = k.Sample.Case.Method.Method.ToLowerInvariant(),
                ["path"] = Template(k.Sample.Case.Endpoint),
                ["status"] = k.Sample.Status,
                ["contentType"] = k.Sample.MediaType,
                ["body"] = k.Body.DeepClone(),
            })]);
            await File.WriteAllTextAsync(samplesPath, array.ToJsonString());
            var (exitCode, output) = await OpenApiValidator.RunAsync(documentPath, samplesPath);
            var failures = output.Split('\n').Where(line => line.StartsWith("FAIL ", StringComparison.Ordinal)).Distinct().ToList();
            if (exitCode != 0 && failures.Count == 0)
            {
                failures.Add($"the validator exited {exitCode}: {output}");
            }
            // The validator names the operation and status; a case that got such an answer makes it reproducible.
            var described = failures.Select(line =>
            {
                var example = kept.FirstOrDefault(k => line.StartsWith($"FAIL {k.Sample.Case.Method.Method.ToUpperInvariant()} {Template(k.Sample.Case.Endpoint)} -> {k.Sample.Status}:", StringComparison.Ordinal));
                return example.Sample is null ? line : $"{line}\n  e.g. {example.Sample.Case.Describe(300).Replace("\n", "\n  ", StringComparison.Ordinal)}\n  -> {Shorten(example.Sample.Body)}";
            }).ToList();
            return (kept.Count, described, output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Template(string endpointName) => endpointName[(endpointName.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
