using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace PaymentPlatform.Hosting.ApplicationModel;

/// <summary>
/// A string built from literal text and values that are known only at run time (endpoints,
/// parameters, other connection strings). Run mode resolves it to a value; publish mode writes
/// it as a manifest expression, so one declaration serves both.
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly string[] _literals;
    private readonly IValueProvider?[] _values;

    private ReferenceExpression(string[] literals, IValueProvider?[] values)
    {
        _literals = literals;
        _values = values;
    }

    /// <summary>The values this expression refers to, in order.</summary>
    public IEnumerable<IValueProvider> ValueProviders => _values.OfType<IValueProvider>();

    /// <summary>Creates an expression from an interpolated string whose holes are values or plain text.</summary>
    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) =>
        handler.Build();

    /// <summary>An expression that is one literal string.</summary>
    public static ReferenceExpression Literal(string text) => new([text], [null]);

    /// <inheritdoc />
    public string ValueExpression
    {
        get
        {
            var sb = new StringBuilder();
            for (var i = 0; i < _literals.Length; i++)
            {
                sb.Append(_literals[i]);
                if (_values[i] is { } value)
                {
                    sb.Append(value is IManifestExpressionProvider p
                        ? p.ValueExpression
                        : throw new InvalidOperationException($"Value {value} has no manifest expression."));
                }
            }
            return sb.ToString();
        }
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _literals.Length; i++)
        {
            sb.Append(_literals[i]);
            if (_values[i] is { } value)
            {
                sb.Append(await value.GetValueAsync(cancellationToken).ConfigureAwait(false));
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ValueExpression;

    /// <summary>Collects the parts of an interpolated string into a <see cref="ReferenceExpression"/>.</summary>
    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly List<string> _literals;
        private readonly List<IValueProvider?> _values;
        private readonly StringBuilder _pending;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _ = formattedCount;
            _literals = [];
            _values = [];
            _pending = new StringBuilder(literalLength);
        }

        public readonly void AppendLiteral(string value) => _pending.Append(value);

        public readonly void AppendFormatted(string? value) => _pending.Append(value);

        public readonly void AppendFormatted(int value) => _pending.Append(value.ToString(CultureInfo.InvariantCulture));

        public readonly void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider
        {
            _literals.Add(_pending.ToString());
            _values.Add(value);
            _pending.Clear();
        }

        internal readonly ReferenceExpression Build()
        {
            var literals = new List<string>(_literals) { _pending.ToString() };
            var values = new List<IValueProvider?>(_values) { null };
            return new ReferenceExpression([.. literals], [.. values]);
        }
    }
}
