namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>
/// Makes a request re-sendable: the first attempt sends the caller's message, each retry a
/// fresh copy (method, original URL, headers, options and the buffered body), so inner
/// handlers may change a message (service discovery rewrites its URL) without affecting
/// the next attempt.
/// </summary>
internal sealed class RequestSnapshot
{
    private readonly HttpRequestMessage original;
    private readonly Uri? requestUri;
    private readonly byte[]? content;
    private bool sentOriginal;

    private RequestSnapshot(HttpRequestMessage original, byte[]? content)
    {
        this.original = original;
        requestUri = original.RequestUri;
        this.content = content;
    }

    public static async Task<RequestSnapshot> CreateAsync(HttpRequestMessage request, bool mayRetry, CancellationToken cancellationToken)
    {
        // Only a request that may be retried needs its body kept; buffering also makes the
        // original content readable again.
        var content = mayRetry && request.Content is not null
            ? await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)
            : null;
        return new RequestSnapshot(request, content);
    }

    public HttpRequestMessage NextAttempt()
    {
        if (!sentOriginal)
        {
            sentOriginal = true;
            return original;
        }

        var copy = new HttpRequestMessage(original.Method, requestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        if (content is not null && original.Content is not null)
        {
            copy.Content = new ByteArrayContent(content);
            foreach (var header in original.Content.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}
