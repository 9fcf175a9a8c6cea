using System.Collections;
using System.Globalization;
using System.Text;

namespace PaymentPlatform.Hosting.Publishing.AzureContainerApps;

/// <summary>A Bicep value: an object, an array, a string (with interpolations), or an expression written as is.</summary>
internal abstract class BicepValue
{
    public static implicit operator BicepValue(string text) => new BicepString([text]);

    public static implicit operator BicepValue(int number) => new BicepExpression(number.ToString(CultureInfo.InvariantCulture));

    public static implicit operator BicepValue(bool value) => new BicepExpression(value ? "true" : "false");
}

/// <summary>An expression such as <c>location</c>, <c>app.properties.configuration.ingress.fqdn</c> or <c>json('0.5')</c>.</summary>
internal sealed class BicepExpression(string text) : BicepValue
{
    public string Text { get; } = text;
}

/// <summary>A string literal whose parts are text or interpolated expressions (<c>'Password=${ledgerdbPassword}'</c>).</summary>
internal sealed class BicepString(IReadOnlyList<object> parts) : BicepValue
{
    /// <summary>Each part is a <see cref="string"/> (literal text) or a <see cref="BicepExpression"/>.</summary>
    public IReadOnlyList<object> Parts { get; } = parts;
}

/// <summary><c>condition ? whenTrue : whenFalse</c>.</summary>
internal sealed class BicepConditional(BicepExpression condition, BicepValue whenTrue, BicepValue whenFalse) : BicepValue
{
    public BicepExpression Condition { get; } = condition;

    public BicepValue WhenTrue { get; } = whenTrue;

    public BicepValue WhenFalse { get; } = whenFalse;
}

/// <summary>An object; properties keep the order they were added in.</summary>
internal sealed class BicepObject : BicepValue, IEnumerable<KeyValuePair<string, BicepValue>>
{
    private readonly List<KeyValuePair<string, BicepValue>> _properties = [];

    public void Add(string key, BicepValue value) => _properties.Add(new(key, value));

    public IEnumerator<KeyValuePair<string, BicepValue>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An array.</summary>
internal sealed class BicepArray : BicepValue, IEnumerable<BicepValue>
{
    private readonly List<BicepValue> _items = [];

    public int Count => _items.Count;

    public void Add(BicepValue value) => _items.Add(value);

    public IEnumerator<BicepValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Writes Bicep files: declarations one after another, values in Bicep's multi-line object and array syntax.</summary>
internal sealed class BicepWriter
{
    private readonly StringBuilder _bicep = new();

    public BicepWriter Comment(string text)
    {
        _bicep.Append("// ").Append(text).Append('\n');
        return this;
    }

    public BicepWriter Line(string text = "")
    {
        _bicep.Append(text).Append('\n');
        return this;
    }

    /// <summary><c>param name type</c>, with its description and, for secrets, <c>@secure()</c>.</summary>
    public BicepWriter Parameter(string name, string type, string description, bool secure = false, BicepValue? defaultValue = null)
    {
        if (secure)
        {
            _bicep.Append("@secure()\n");
        }
        _bicep.Append("@description(");
        WriteValue(description, 0);
        _bicep.Append(")\nparam ").Append(name).Append(' ').Append(type);
        if (defaultValue is not null)
        {
            _bicep.Append(" = ");
            WriteValue(defaultValue, 0);
        }
        _bicep.Append("\n\n");
        return this;
    }

    /// <summary><c>resource name 'type@version' = { ... }</c>.</summary>
    public BicepWriter Resource(string name, string typeAndVersion, BicepObject body) => Declaration($"resource {name} '{typeAndVersion}' = ", body);

    /// <summary><c>module name 'path' = { ... }</c>.</summary>
    public BicepWriter Module(string name, string path, BicepObject body) => Declaration($"module {name} '{path}' = ", body);

    /// <summary><c>output name type = value</c>.</summary>
    public BicepWriter Output(string name, string type, BicepValue value)
    {
        _bicep.Append("output ").Append(name).Append(' ').Append(type).Append(" = ");
        WriteValue(value, 0);
        _bicep.Append('\n');
        return this;
    }

    public override string ToString() => _bicep.ToString();

    private BicepWriter Declaration(string head, BicepObject body)
    {
        _bicep.Append(head);
        WriteValue(body, 0);
        _bicep.Append("\n\n");
        return this;
    }

    private void WriteValue(BicepValue value, int indent)
    {
        switch (value)
        {
            case BicepExpression expression:
                _bicep.Append(expression.Text);
                break;
            case BicepString text:
                _bicep.Append('\'');
                foreach (var part in text.Parts)
                {
                    if (part is BicepExpression interpolated)
                    {
                        _bicep.Append("${").Append(interpolated.Text).Append('}');
                    }
                    else
                    {
                        _bicep.Append(Escape((string)part));
                    }
                }
                _bicep.Append('\'');
                break;
            case BicepConditional conditional:
                _bicep.Append(conditional.Condition.Text).Append(" ? ");
                WriteValue(conditional.WhenTrue, indent);
                _bicep.Append(" : ");
                WriteValue(conditional.WhenFalse, indent);
                break;
            case BicepObject obj:
                if (!obj.Any())
                {
                    _bicep.Append("{}");
                    break;
                }
                _bicep.Append("{\n");
                foreach (var (key, property) in obj)
                {
                    _bicep.Append(' ', indent + 2).Append(Key(key)).Append(": ");
                    WriteValue(property, indent + 2);
                    _bicep.Append('\n');
                }
                _bicep.Append(' ', indent).Append('}');
                break;
            case BicepArray array:
                if (array.Count == 0)
                {
                    _bicep.Append("[]");
                    break;
                }
                _bicep.Append("[\n");
                foreach (var item in array)
                {
                    _bicep.Append(' ', indent + 2);
                    WriteValue(item, indent + 2);
                    _bicep.Append('\n');
                }
                _bicep.Append(' ', indent).Append(']');
                break;
            default:
                throw new InvalidOperationException($"Unknown Bicep value {value.GetType().Name}.");
        }
    }

    /// <summary>Identifiers stay bare; anything else ('${registryIdentityId}', 'app.kubernetes.io/name') is a string key.</summary>
    private static string Key(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? key
            : key.StartsWith("${", StringComparison.Ordinal) && key.EndsWith('}') ? $"'{key}'" : $"'{Escape(key)}'";

    /// <summary>Bicep string escapes: backslash, quote, "${", and control characters.</summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': escaped.Append("\\\\"); break;
                case '\'': escaped.Append("\\'"); break;
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                case '$' when i + 1 < text.Length && text[i + 1] == '{': escaped.Append("\\$"); break;
                default:
                    if (char.IsControl(c))
                    {
                        escaped.Append("\\u{").Append(((int)c).ToString("X", CultureInfo.InvariantCulture)).Append('}');
                    }
                    else
                    {
                        escaped.Append(c);
                    }
                    break;
            }
        }
        return escaped.ToString();
    }
}
