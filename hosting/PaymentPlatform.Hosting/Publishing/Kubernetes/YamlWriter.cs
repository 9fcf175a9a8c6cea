using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PaymentPlatform.Hosting.Publishing.Kubernetes;

/// <summary>
/// Writes a JSON tree as block-style YAML, deterministically: keys in insertion order, strings
/// quoted whenever YAML 1.1 or 1.2 could read them as anything but a string ("8080", "true",
/// "on"), multi-line strings as literal blocks so scripts stay readable.
/// </summary>
internal static class YamlWriter
{
    private static readonly JsonSerializerOptions QuotedStrings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
    };

    /// <summary>One YAML document: the comment lines, then the node.</summary>
    public static string Write(JsonNode node, params string[] comments)
    {
        ArgumentNullException.ThrowIfNull(node);
        var yaml = new StringBuilder();
        foreach (var comment in comments)
        {
            yaml.Append("# ").Append(comment).Append('\n');
        }
        WriteBlock(yaml, node, 0);
        return yaml.ToString();
    }

    private static void WriteBlock(StringBuilder yaml, JsonNode node, int indent)
    {
        switch (node)
        {
            case JsonObject map when map.Count > 0:
                foreach (var (key, value) in map)
                {
                    yaml.Append(' ', indent).Append(Scalar(key));
                    WriteValueAfterKey(yaml, value, indent);
                }
                break;
            case JsonArray list when list.Count > 0:
                foreach (var item in list)
                {
                    yaml.Append(' ', indent).Append('-');
                    if (item is JsonObject { Count: > 0 } itemMap)
                    {
                        // The first pair shares the dash's line; the rest align under it.
                        var first = true;
                        foreach (var (key, value) in itemMap)
                        {
                            if (!first)
                            {
                                yaml.Append(' ', indent + 2);
                            }
                            else
                            {
                                yaml.Append(' ');
                            }
                            first = false;
                            yaml.Append(Scalar(key));
                            WriteValueAfterKey(yaml, value, indent + 2);
                        }
                    }
                    else if (item is JsonArray { Count: > 0 })
                    {
                        yaml.Append('\n');
                        WriteBlock(yaml, item, indent + 2);
                    }
                    else
                    {
                        yaml.Append(' ');
                        AppendInline(yaml, item, indent + 2);
                    }
                }
                break;
            default:
                AppendInline(yaml, node, indent);
                break;
        }
    }

    private static void WriteValueAfterKey(StringBuilder yaml, JsonNode? value, int indent)
    {
        yaml.Append(':');
        switch (value)
        {
            case JsonObject { Count: > 0 }:
                yaml.Append('\n');
                WriteBlock(yaml, value, indent + 2);
                break;
            case JsonArray { Count: > 0 }:
                yaml.Append('\n');
                WriteBlock(yaml, value, indent + 2);
                break;
            default:
                yaml.Append(' ');
                AppendInline(yaml, value, indent + 2);
                break;
        }
    }

    /// <summary>A scalar or empty collection, then the line's end; a multi-line string becomes a literal block.</summary>
    private static void AppendInline(StringBuilder yaml, JsonNode? node, int blockIndent)
    {
        switch (node)
        {
            case null:
                yaml.Append("null\n");
                return;
            case JsonObject:
                yaml.Append("{}\n");
                return;
            case JsonArray:
                yaml.Append("[]\n");
                return;
        }
        var value = node.AsValue();
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (text.Contains('\n', StringComparison.Ordinal) && CanBeLiteralBlock(text))
                {
                    AppendLiteralBlock(yaml, text, blockIndent);
                }
                else
                {
                    yaml.Append(Scalar(text)).Append('\n');
                }
                return;
            case JsonValueKind.Number:
                yaml.Append(value.ToJsonString()).Append('\n');
                return;
            case JsonValueKind.True:
                yaml.Append("true\n");
                return;
            case JsonValueKind.False:
                yaml.Append("false\n");
                return;
            default:
                throw new InvalidOperationException($"Cannot write a {value.GetValueKind()} as YAML.");
        }
    }

    /// <summary>A plain scalar when it can only be read back as this string, else a double-quoted one.</summary>
    internal static string Scalar(string text)
    {
        var plain = text.Length > 0
            && (char.IsAsciiLetter(text[0]) || text[0] is '_' or '/')
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-')
            && !ReservedWords.Contains(text);
        return plain ? text : JsonSerializer.Serialize(text, QuotedStrings);
    }

    private static bool CanBeLiteralBlock(string text) =>
        !text.Contains('\r', StringComparison.Ordinal)
        && !text.StartsWith(' ')
        && !text.StartsWith('\n')
        && text.All(c => c == '\n' || c == '\t' || !char.IsControl(c));

    private static void AppendLiteralBlock(StringBuilder yaml, string text, int indent)
    {
        // Chomping: '-' drops the final line break, none keeps exactly one, '+' keeps them all.
        var trailing = text.Length - text.TrimEnd('\n').Length;
        yaml.Append(trailing switch { 0 => "|-", 1 => "|", _ => "|+" }).Append('\n');
        var body = trailing == 0 ? text : text[..^trailing];
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0)
            {
                yaml.Append(' ', indent).Append(line);
            }
            yaml.Append('\n');
        }
        for (var i = 1; i < trailing; i++)
        {
            yaml.Append('\n');
        }
    }
}
