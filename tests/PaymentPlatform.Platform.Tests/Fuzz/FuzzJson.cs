using System.Globalization;
using System.Text;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>
/// A JSON tree the fuzzer writes itself rather than through System.Text.Json, so it can say what a
/// serializer would refuse to: lone surrogates, NUL, duplicate keys, and malformed tokens.
/// </summary>
internal abstract record JNode
{
    public static JNode Num(long value) => new JRaw(value.ToString(CultureInfo.InvariantCulture));

    public static JNode Str(string value) => new JStr(value);

    public string Write(bool asciiOnly = true)
    {
        var builder = new StringBuilder();
        WriteTo(builder, asciiOnly);
        return builder.ToString();
    }

    public abstract void WriteTo(StringBuilder builder, bool asciiOnly);
}

/// <summary>Any token written as is: numbers, true, false, null, or something that is not JSON at all.</summary>
internal sealed record JRaw(string Text) : JNode
{
    public override void WriteTo(StringBuilder builder, bool asciiOnly) => builder.Append(Text);
}

internal sealed record JStr(string Value) : JNode
{
    public override void WriteTo(StringBuilder builder, bool asciiOnly)
    {
        builder.Append('"');
        foreach (var c in Value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                // Surrogates are always escaped: a lone one has no UTF-8 form, only the \u escape.
                case < ' ' or (> '~' and < '\u00a0') or (>= '\ud800' and <= '\udfff'):
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case > '~' when asciiOnly:
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}

internal sealed record JArr(List<JNode> Items) : JNode
{
    public override void WriteTo(StringBuilder builder, bool asciiOnly)
    {
        builder.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }
            Items[i].WriteTo(builder, asciiOnly);
        }
        builder.Append(']');
    }
}

/// <summary>An object as an ordered list of members, so a key may appear twice.</summary>
internal sealed record JObj(List<KeyValuePair<string, JNode>> Members) : JNode
{
    public JObj() : this([])
    {
    }

    public JObj Add(string key, JNode value)
    {
        Members.Add(new(key, value));
        return this;
    }

    public JNode? Get(string path)
    {
        var (parent, last) = Parent(path);
        return parent?.Members.LastOrDefault(m => m.Key == last).Value;
    }

    /// <summary>Replaces the member at a dotted path (or adds it); false when a parent on the way is missing.</summary>
    public bool Set(string path, JNode value)
    {
        var (parent, last) = Parent(path);
        if (parent is null)
        {
            return false;
        }
        var at = parent.Members.FindIndex(m => m.Key == last);
        if (at < 0)
        {
            parent.Members.Add(new(last, value));
        }
        else
        {
            parent.Members[at] = new(last, value);
        }
        return true;
    }

    public bool Remove(string path)
    {
        var (parent, last) = Parent(path);
        return parent is not null && parent.Members.RemoveAll(m => m.Key == last) > 0;
    }

    private (JObj? Parent, string Last) Parent(string path)
    {
        var parts = path.Split('.');
        JObj? current = this;
        foreach (var part in parts[..^1])
        {
            current = current?.Members.LastOrDefault(m => m.Key == part).Value as JObj;
        }
        return (current, parts[^1]);
    }

    public override void WriteTo(StringBuilder builder, bool asciiOnly)
    {
        builder.Append('{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }
            new JStr(Members[i].Key).WriteTo(builder, asciiOnly);
            builder.Append(':');
            Members[i].Value.WriteTo(builder, asciiOnly);
        }
        builder.Append('}');
    }
}
