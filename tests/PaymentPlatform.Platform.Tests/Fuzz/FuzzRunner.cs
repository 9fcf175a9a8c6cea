using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>Sends cases concurrently and checks every answer; keeps the counts the report and the write checks need.</summary>
internal sealed class FuzzRunner : IDisposable
{
    public const string ProblemTypePrefix = "https://paymentplatform.dev/problems/";

    private readonly HttpClient _client;
    private readonly KeyValuePair<string, string>[] _secrets;
    private readonly ConcurrentDictionary<(string Endpoint, string Category), int[]> _counts = new();
    private readonly ConcurrentDictionary<(string Endpoint, int Status), int> _statuses = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, int> _failureKinds = new();
    private readonly ConcurrentDictionary<string, int> _serverRejections = new();
    private readonly HashSet<string> _keepBodiesOf;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _successBodies = new();
    private readonly ConcurrentDictionary<(string Endpoint, string Category, int Status), int> _sampled = new();
    private readonly ConcurrentQueue<ContractSample> _samples = new();

    /// <summary>Answers kept for the contract check per (endpoint, category, status): enough to cover every kind of answer, few enough for one validator run.</summary>
    public const int SamplesPerKind = 3;

    /// <summary>4xx answers the server gave before the app saw the request (no body at all), by endpoint and kind.</summary>
    public IReadOnlyDictionary<string, int> ServerRejections => _serverRejections;

    /// <param name="keepBodiesOf">Endpoints whose 2xx bodies are kept, for the write checks (which objects the answers created or changed).</param>
    public FuzzRunner(Uri gateway, IEnumerable<KeyValuePair<string, string>> secrets, TimeSpan timeout, IEnumerable<string> keepBodiesOf)
    {
        _keepBodiesOf = [.. keepBodiesOf];
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            // Header values go out as UTF-8 bytes, so a non-ASCII Idempotency-Key reaches the server as raw bytes.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            AllowAutoRedirect = false,
        };
        _client = new HttpClient(handler) { BaseAddress = gateway, Timeout = timeout };
        _secrets = [.. secrets];
    }

    public int Failures => _failureKinds.Values.Sum();

    public IEnumerable<string> FailureSamples => _failures;

    public IReadOnlyDictionary<string, int> FailureKinds => _failureKinds;

    public int CountStatus(string endpoint, params int[] statuses) =>
        statuses.Sum(s => _statuses.TryGetValue((endpoint, s), out var n) ? n : 0);

    /// <summary>Per endpoint and category: cases, 2xx, 4xx, other.</summary>
    public IReadOnlyDictionary<(string Endpoint, string Category), int[]> Counts => _counts;

    public IEnumerable<KeyValuePair<(string Endpoint, int Status), int>> Statuses => _statuses;

    /// <summary>The bodies of the 2xx answers of an endpoint named in the constructor's <c>keepBodiesOf</c>.</summary>
    public IReadOnlyCollection<string> SuccessBodies(string endpoint) => _successBodies.TryGetValue(endpoint, out var bodies) ? bodies : [];

    /// <summary>The first answers of each (endpoint, category, status) that the app wrote (a body), for the contract check.</summary>
    public IReadOnlyCollection<ContractSample> Samples => _samples;

    /// <summary>Runs <paramref name="count"/> cases of one endpoint with <paramref name="concurrency"/> in flight.</summary>
    public async Task RunAsync(FuzzGenerator generator, int endpoint, int count, int concurrency)
    {
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                await SendAsync(generator.Case(endpoint, index), generator.Seed);
            }
        });
        await Task.WhenAll(workers);
    }

    private async Task SendAsync(FuzzCase fuzz, int seed)
    {
        var counts = _counts.GetOrAdd((fuzz.Endpoint, fuzz.Category), _ => new int[4]);
        Interlocked.Increment(ref counts[0]);
        using var request = new HttpRequestMessage(fuzz.Method, new Uri(fuzz.PathAndQuery, UriKind.Relative));
        if (fuzz.Body is not null)
        {
            request.Content = fuzz.Chunked ? new ChunkedContent(fuzz.Body) : new ByteArrayContent(fuzz.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
        }
        if (fuzz.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", fuzz.Authorization);
        }
        if (fuzz.IdempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", fuzz.IdempotencyKey);
        }
        foreach (var (name, value) in fuzz.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref counts[3]);
            Fail(fuzz, seed, ex is TaskCanceledException ? "no answer within the timeout (a hang)" : "the connection failed", $"{ex.GetType().Name}: {ex.Message}");
            return;
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            _statuses.AddOrUpdate((fuzz.Endpoint, status), 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync();
            Interlocked.Increment(ref counts[status is >= 200 and < 300 ? 1 : status is >= 400 and < 500 ? 2 : 3]);
            Check(fuzz, seed, response, status, body);
            if (status is >= 200 and < 300 && _keepBodiesOf.Contains(fuzz.Endpoint))
            {
                _successBodies.GetOrAdd(fuzz.Endpoint, _ => new()).Enqueue(body);
            }
            if (body.Length > 0 && _sampled.AddOrUpdate((fuzz.Endpoint, fuzz.Category, status), 1, (_, n) => n + 1) <= SamplesPerKind)
            {
                _samples.Enqueue(new ContractSample(fuzz, status, response.Content.Headers.ContentType?.MediaType, body));
            }
        }
    }

    private void Check(FuzzCase fuzz, int seed, HttpResponseMessage response, int status, string body)
    {
        var answer = $"{status} {response.Content.Headers.ContentType} {Shorten(body)}";
        if (status >= 500)
        {
            Fail(fuzz, seed, "a 5xx", answer);
        }
        else if (status is >= 200 and < 300 && fuzz.Expect == Expectation.Reject)
        {
            Fail(fuzz, seed, "a 2xx for invalid input", answer);
        }
        else if (status is >= 400 and < 500)
        {
            CheckProblem(fuzz, seed, response, body, answer);
        }
        else if (status is not (>= 200 and < 300))
        {
            Fail(fuzz, seed, $"an unexpected {status}", answer);
        }
        if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal))
        {
            Fail(fuzz, seed, "a stack trace or exception in the body", answer);
        }
        foreach (var (name, secret) in _secrets.Append(new("the card number", fuzz.Pan ?? "")))
        {
            if (secret.Length > 0 && body.Contains(secret, StringComparison.Ordinal))
            {
                var at = body.IndexOf(secret, StringComparison.Ordinal);
                Fail(fuzz, seed, $"{name} in the body", $"{status}: ...{body[Math.Max(0, at - 120)..at]}<{name}>...");
            }
        }
    }

    private void CheckProblem(FuzzCase fuzz, int seed, HttpResponseMessage response, string body, string answer)
    {
        if (body.Length == 0 && response.StatusCode is HttpStatusCode.RequestHeaderFieldsTooLarge or HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong)
        {
            // Kestrel refuses these (headers over its 32 KB total, a NUL in the path) while parsing, before any
            // middleware runs, so the app has no chance to write problem+json: counted and reported, not failed.
            _serverRejections.AddOrUpdate($"{fuzz.Endpoint}: {(int)response.StatusCode} without a body ({fuzz.Category})", 1, (_, n) => n + 1);
            return;
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            Fail(fuzz, seed, $"a {(int)response.StatusCode} that is not application/problem+json", answer);
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!root.TryGetProperty("type", out var type) || type.GetString() is not { } t || !t.StartsWith(ProblemTypePrefix, StringComparison.Ordinal)
                || !root.TryGetProperty("code", out var code) || string.IsNullOrEmpty(code.GetString()))
            {
                Fail(fuzz, seed, "a problem without the platform's type or a code", answer);
            }
        }
        catch (JsonException)
        {
            Fail(fuzz, seed, "a problem+json body that is not JSON", answer);
        }
    }

    private void Fail(FuzzCase fuzz, int seed, string kind, string answer)
    {
        var count = _failureKinds.AddOrUpdate($"{fuzz.Endpoint}: {kind}", 1, (_, n) => n + 1);
        // The first few of each kind, in full: enough to replay, without drowning the output.
        if (count <= 3)
        {
            _failures.Enqueue($"FAIL ({kind}) FUZZ_SEED={seed.ToString(CultureInfo.InvariantCulture)}\n{fuzz.Describe()}\n-> {answer}");
        }
    }

    /// <summary>Records a failure found after the run (the contract check), so it counts and is reported like the others.</summary>
    public void Fail(FuzzCase fuzz, string kind, string answer, int seed) => Fail(fuzz, seed, kind, answer);

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "...";

    public void Dispose() => _client.Dispose();

    /// <summary>An answer kept for the contract check: the case that got it, and what came back.</summary>
    public sealed record ContractSample(FuzzCase Case, int Status, string? MediaType, string Body);

    /// <summary>A body of unknown length: sent chunked, so only the server's own counting can refuse it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
