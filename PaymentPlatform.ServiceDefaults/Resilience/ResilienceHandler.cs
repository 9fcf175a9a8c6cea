using Polly;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>Runs each request of an internal client through its standard pipeline.</summary>
internal sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var mayRetry = HttpTransience.MayRetry(request);
        var snapshot = await RequestSnapshot.CreateAsync(request, mayRetry, cancellationToken).ConfigureAwait(false);

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(InternalClientPipeline.RetryAllowedKey, mayRetry);
        context.Properties.Set(InternalClientPipeline.RequestKey, request);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    try
                    {
                        var attempt = state.Snapshot.NextAttempt();
                        var response = await state.Handler.SendInnerAsync(attempt, context.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Handler: this, Snapshot: snapshot)).ConfigureAwait(false);

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
