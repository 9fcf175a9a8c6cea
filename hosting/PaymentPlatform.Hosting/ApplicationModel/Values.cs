namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>A value known only when the app runs (a port, a generated password).</summary>
public interface IValueProvider
{
    /// <summary>Resolves the value in run mode.</summary>
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default);
}

/// <summary>A value written into a deployment manifest as an expression such as <c>{ledger.bindings.http.url}</c>.</summary>
public interface IManifestExpressionProvider
{
    /// <summary>The manifest expression for this value.</summary>
    string ValueExpression { get; }
}
