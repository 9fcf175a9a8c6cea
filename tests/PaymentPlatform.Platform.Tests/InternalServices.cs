using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Platform.Tests;

/// <summary>Calls to the internal services as another service makes them: to a replica, with the internal token.</summary>
public static class InternalServices
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<string> TokenAsync(this DistributedApplication app) =>
        await ((ParameterResource)app.Model.Find("internal-token")).GetValueAsync()
            ?? throw new InvalidOperationException("The internal-token parameter has no value.");

    public static Uri ReplicaUrl(this DistributedApplication app, string resource, int replica = 0) =>
        new(app.ResourceNotifications.Get(resource)?.Replicas[replica].Url
            ?? throw new InvalidOperationException($"{resource} replica {replica} has no URL."));

    /// <summary>An HttpClient for a replica of an internal service, carrying the internal token unless told otherwise.</summary>
    public static async Task<HttpClient> CreateInternalClientAsync(this DistributedApplication app, string resource, string? token = null, bool withToken = true)
    {
        var client = new HttpClient { BaseAddress = app.ReplicaUrl(resource), Timeout = TimeSpan.FromSeconds(30) };
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await app.TokenAsync());
        }
        return client;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The JSON of a response that must have the given status; otherwise fails showing the body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)status}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with the platform's type for the code.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status, string code)
    {
        var problem = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"https://paymentplatform.dev/problems/{code}", problem.GetProperty("type").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}
