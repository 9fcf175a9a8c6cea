using System.Text;

namespace PaymentPlatform.Publishing.Tests.Infrastructure;

/// <summary>
/// A structural reading of a Bicep file, since no Bicep compiler can be installed here: its
/// declarations, the identifiers its expressions use (inside string interpolations too), module
/// calls with their parameters, where secure parameters are used, and property values.
/// </summary>
internal sealed class BicepFile
{
    private static readonly HashSet<string> Keywords =
    [
        "param", "var", "resource", "module", "output", "targetScope", "existing", "if", "for", "in",
        "true", "false", "null", "import", "type", "metadata", "func",
    ];

    private readonly List<Token> _tokens;

    private BicepFile(string path, List<Token> tokens)
    {
        Path = path;
        _tokens = tokens;
        Analyse();
    }

    public string Path { get; }

    /// <summary>Declared parameters: name, type, whether <c>@secure()</c>, whether it has a default.</summary>
    public Dictionary<string, (string Type, bool Secure, bool HasDefault)> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Every name an expression can refer to: parameters, variables, resources and modules.</summary>
    public HashSet<string> Symbols { get; } = new(StringComparer.Ordinal);

    /// <summary>Every identifier used as a value, with the line it is on.</summary>
    public List<(string Name, int Line)> Uses { get; } = [];

    /// <summary>Identifiers used inside a <c>secrets: [...]</c> array.</summary>
    public List<(string Name, int Line)> UsesInSecrets { get; } = [];

    /// <summary>Identifiers used by <c>output</c> declarations.</summary>
    public List<string> UsesInOutputs { get; } = [];

    /// <summary>Each <c>module NAME 'path'</c> with its <c>params</c>: key to the expression's text.</summary>
    public List<(string Name, string Path, Dictionary<string, string> Params)> Modules { get; } = [];

    public static BicepFile Read(string path) => new(path, Tokenize(File.ReadAllText(path)));

    /// <summary>The values written after <c>key:</c> anywhere in the file (the first token of each).</summary>
    public List<string> PropertyValues(string key)
    {
        var values = new List<string>();
        for (var i = 0; i + 2 < _tokens.Count; i++)
        {
            if (_tokens[i].StartsLine && _tokens[i].Kind == TokenKind.Identifier && _tokens[i].Text == key && _tokens[i + 1].Text == ":")
            {
                values.Add(_tokens[i + 2].Text);
            }
        }
        return values;
    }

    private void Analyse()
    {
        var secretsDepth = -1;
        var outputDepthLine = -1;
        var pendingSecure = false;
        for (var i = 0; i < _tokens.Count; i++)
        {
            var token = _tokens[i];
            if (token.Kind == TokenKind.Symbol && token.Text == "[" && i >= 2 && _tokens[i - 1].Text == ":" && _tokens[i - 2].Text == "secrets")
            {
                secretsDepth = token.Depth;
            }
            else if (token.Kind == TokenKind.Symbol && token.Text == "]" && token.Depth == secretsDepth)
            {
                secretsDepth = -1;
            }
            if (token.StartsLine && token.Kind == TokenKind.Identifier)
            {
                outputDepthLine = -1;
            }
            if (token.Kind != TokenKind.Identifier)
            {
                continue;
            }
            var previous = i > 0 ? _tokens[i - 1] : null;
            var next = i + 1 < _tokens.Count ? _tokens[i + 1] : null;

            if (previous?.Text == "@")
            {
                pendingSecure |= token.Text == "secure";
                continue;
            }
            if (token.StartsLine && token.Depth == 0 && token.Text is "param" or "var" or "resource" or "module" or "output")
            {
                var name = _tokens[i + 1].Text;
                switch (token.Text)
                {
                    case "param":
                        Parameters[name] = (_tokens[i + 2].Text, pendingSecure, i + 3 < _tokens.Count && _tokens[i + 3].Text == "=");
                        Symbols.Add(name);
                        i += 2;
                        break;
                    case "output":
                        outputDepthLine = token.Line;
                        i += 2;
                        break;
                    case "module":
                        Symbols.Add(name);
                        Modules.Add((name, _tokens[i + 2].Text, ModuleParams(i)));
                        i += 2;
                        break;
                    default:
                        Symbols.Add(name);
                        i += 1;
                        break;
                }
                pendingSecure = false;
                continue;
            }
            if (token.StartsLine && token.Text == "targetScope")
            {
                continue;
            }
            var isKey = token.StartsLine && next?.Text == ":";
            var isMember = previous?.Text == ".";
            var isCall = next?.Text == "(";
            if (isKey || isMember || isCall || Keywords.Contains(token.Text))
            {
                continue;
            }
            Uses.Add((token.Text, token.Line));
            if (secretsDepth >= 0)
            {
                UsesInSecrets.Add((token.Text, token.Line));
            }
            if (outputDepthLine == token.Line)
            {
                UsesInOutputs.Add(token.Text);
            }
        }
    }

    /// <summary>The keys and values of the <c>params: { ... }</c> object of the module declared at <paramref name="start"/>.</summary>
    private Dictionary<string, string> ModuleParams(int start)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var moduleDepth = _tokens[start].Depth;
        for (var i = start + 1; i < _tokens.Count; i++)
        {
            if (_tokens[i].StartsLine && _tokens[i].Depth == moduleDepth)
            {
                break;
            }
            if (_tokens[i].StartsLine && _tokens[i].Text == "params" && _tokens[i + 1].Text == ":" && _tokens[i + 2].Text == "{")
            {
                var depth = _tokens[i + 2].Depth + 1;
                for (var j = i + 3; j < _tokens.Count && _tokens[j].Depth >= depth; j++)
                {
                    if (_tokens[j].StartsLine && _tokens[j].Depth == depth && _tokens[j + 1].Text == ":")
                    {
                        var value = new StringBuilder();
                        for (var k = j + 2; k < _tokens.Count && !_tokens[k].StartsLine; k++)
                        {
                            value.Append(_tokens[k].Text);
                        }
                        result[_tokens[j].Text] = value.ToString();
                    }
                }
                break;
            }
        }
        return result;
    }

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        Symbol,
    }

    /// <summary>A token; <see cref="Depth"/> is the bracket depth it sits at.</summary>
    private sealed record Token(TokenKind Kind, string Text, bool StartsLine, int Line, int Depth);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var line = 1;
        var depth = 0;
        var startsLine = true;
        var i = 0;

        void Add(TokenKind kind, string value)
        {
            if (kind == TokenKind.Symbol && value is "}" or "]" or ")")
            {
                depth--;
            }
            tokens.Add(new Token(kind, value, startsLine, line, depth));
            startsLine = false;
            if (kind == TokenKind.Symbol && value is "{" or "[" or "(")
            {
                depth++;
            }
        }

        // Reads a '...' string from text[i] (the opening quote), adding the tokens of its interpolations.
        void ReadString()
        {
            var literal = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != '\'')
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    literal.Append(text[i + 1]);
                    i += 2;
                }
                else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    i += 2;
                    var braces = 1;
                    var start = i;
                    while (i < text.Length && braces > 0)
                    {
                        braces += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
                        i++;
                    }
                    var inner = Tokenize(text[start..(i - 1)]);
                    tokens.AddRange(inner.Select(t => t with { StartsLine = false, Line = line, Depth = depth + t.Depth }));
                }
                else
                {
                    literal.Append(text[i]);
                    i++;
                }
            }
            i++;
            Add(TokenKind.String, literal.ToString());
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                startsLine = true;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '\'' && text.AsSpan(i).StartsWith("'''"))
            {
                var end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                line += text[i..(end + 3)].Count(ch => ch == '\n');
                i = end + 3;
                Add(TokenKind.String, "");
            }
            else if (c == '\'')
            {
                ReadString();
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                Add(TokenKind.Identifier, text[start..i]);
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
                Add(TokenKind.Number, text[start..i]);
            }
            else
            {
                Add(TokenKind.Symbol, c.ToString());
                i++;
            }
        }
        return tokens;
    }
}
