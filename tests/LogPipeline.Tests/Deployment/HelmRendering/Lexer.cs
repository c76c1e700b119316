using System.Globalization;
using System.Text;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Splits a template into text and actions and the actions into tokens, following Go's
/// text/template lexer: <c>{{- </c> (a minus and a white-space character) trims all white space before the
/// action, <c> -}}</c> all white space after it; <c>{{/* */}}</c> is a comment; actions may span lines.</summary>
internal static class Lexer
{
    private const string LeftDelimiter = "{{";
    private const string RightDelimiter = "}}";

    // Go's trim markers remove exactly these characters (its isSpace), not Unicode white space.
    private static readonly char[] TrimmedSpace = [' ', '\t', '\r', '\n'];

    private static readonly Dictionary<char, TokenKind> SingleCharacterTokens = new()
    {
        ['|'] = TokenKind.Pipe, ['('] = TokenKind.OpenParen, [')'] = TokenKind.CloseParen, [','] = TokenKind.Comma, ['='] = TokenKind.Assign,
    };

    public static IReadOnlyList<Token> Tokenize(string file, string source)
    {
        var tokens = new List<Token>();
        var line = 1;
        var position = 0;
        var trimNextText = false;
        while (position <= source.Length)
        {
            var open = source.IndexOf(LeftDelimiter, position, StringComparison.Ordinal);
            var text = source[position..(open < 0 ? source.Length : open)];
            var textLine = line;
            line += Newlines(text);
            if (trimNextText)
            {
                var trimmed = text.TrimStart(TrimmedSpace);
                textLine += Newlines(text[..(text.Length - trimmed.Length)]);
                text = trimmed;
            }

            if (open < 0)
            {
                AddText(tokens, text, textLine);
                break;
            }

            var inside = open + LeftDelimiter.Length;
            if (inside + 1 < source.Length && source[inside] == '-' && IsSpace(source[inside + 1]))
            {
                text = text.TrimEnd(TrimmedSpace);
                inside += 1;
            }

            AddText(tokens, text, textLine);
            (position, trimNextText) = inside + 1 < source.Length && source.AsSpan(SkipOneSpaceAfterTrim(source, open, inside)).StartsWith("/*")
                ? Comment(file, source, SkipOneSpaceAfterTrim(source, open, inside), ref line)
                : Action(file, source, inside, tokens, ref line);
        }

        return tokens;
    }

    /// <summary>Go looks for a comment right after the delimiter, or after the trim marker and its one space.</summary>
    private static int SkipOneSpaceAfterTrim(string source, int open, int inside) =>
        inside == open + LeftDelimiter.Length ? inside : inside + 1;

    private static void AddText(List<Token> tokens, string text, int line)
    {
        if (text.Length > 0)
        {
            tokens.Add(new Token(TokenKind.Text, text, line));
        }
    }

    private static (int Next, bool TrimAfter) Comment(string file, string source, int start, ref int line)
    {
        var end = source.IndexOf("*/", start + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new TemplateException(new SourcePosition(file, line), "unclosed comment");
        }

        line += Newlines(source[start..end]);
        var after = end + 2;
        if (source.AsSpan(after).StartsWith(RightDelimiter))
        {
            return (after + RightDelimiter.Length, false);
        }

        if (after + 1 < source.Length && IsSpace(source[after]) && source.AsSpan(after + 1).StartsWith("-" + RightDelimiter))
        {
            return (after + 1 + 1 + RightDelimiter.Length, true);
        }

        throw new TemplateException(new SourcePosition(file, line), "comment ends before closing delimiter");
    }

    private static (int Next, bool TrimAfter) Action(string file, string source, int position, List<Token> tokens, ref int line)
    {
        tokens.Add(new Token(TokenKind.ActionStart, LeftDelimiter, line));
        var spaceBefore = true;
        while (true)
        {
            if (position >= source.Length)
            {
                throw new TemplateException(new SourcePosition(file, line), "unclosed action");
            }

            if (source.AsSpan(position).StartsWith(RightDelimiter))
            {
                tokens.Add(new Token(TokenKind.ActionEnd, RightDelimiter, line, spaceBefore));
                return (position + RightDelimiter.Length, false);
            }

            var c = source[position];
            if (IsSpace(c))
            {
                if (position + 1 < source.Length && source.AsSpan(position + 1).StartsWith("-" + RightDelimiter))
                {
                    tokens.Add(new Token(TokenKind.ActionEnd, RightDelimiter, line, true));
                    line += c == '\n' ? 1 : 0;
                    return (position + 2 + RightDelimiter.Length, true);
                }

                line += c == '\n' ? 1 : 0;
                spaceBefore = true;
                position++;
                continue;
            }

            var start = position;
            var at = new SourcePosition(file, line);
            Token token;
            switch (c)
            {
                case var single when SingleCharacterTokens.TryGetValue(single, out var kind):
                    token = new Token(kind, single.ToString(), line, spaceBefore);
                    position++;
                    break;
                case ':' when position + 1 < source.Length && source[position + 1] == '=':
                    token = new Token(TokenKind.Declare, ":=", line, spaceBefore);
                    position += 2;
                    break;
                case '"':
                    position = QuotedString(at, source, position, out var quoted);
                    token = new Token(TokenKind.String, quoted, line, spaceBefore);
                    break;
                case '`':
                    var close = source.IndexOf('`', position + 1);
                    if (close < 0)
                    {
                        throw new TemplateException(at, "unterminated raw quoted string");
                    }

                    token = new Token(TokenKind.String, source[(position + 1)..close], line, spaceBefore);
                    line += Newlines(token.Text);
                    position = close + 1;
                    break;
                case '$':
                    position = Word(source, position + 1);
                    token = new Token(TokenKind.Variable, source[start..position], line, spaceBefore);
                    break;
                case '.' when position + 1 < source.Length && char.IsAsciiDigit(source[position + 1]):
                    position = Number(source, position);
                    token = new Token(TokenKind.Number, source[start..position], line, spaceBefore);
                    break;
                case '.':
                    position = Word(source, position + 1);
                    token = position == start + 1
                        ? new Token(TokenKind.Dot, ".", line, spaceBefore)
                        : new Token(TokenKind.Field, source[(start + 1)..position], line, spaceBefore);
                    break;
                case '-' or '+' when position + 1 < source.Length && (char.IsAsciiDigit(source[position + 1]) || source[position + 1] == '.'):
                case >= '0' and <= '9':
                    position = Number(source, position);
                    token = new Token(TokenKind.Number, source[start..position], line, spaceBefore);
                    break;
                case '_':
                case var letter when char.IsLetter(letter):
                    position = Word(source, position);
                    token = new Token(TokenKind.Identifier, source[start..position], line, spaceBefore);
                    break;
                case '\'':
                    throw new TemplateException(at, "character constants are not implemented by this renderer");
                default:
                    throw new TemplateException(at, $"unexpected {c.ToString(CultureInfo.InvariantCulture)} in action");
            }

            tokens.Add(token);
            spaceBefore = false;
        }
    }

    private static int Word(string source, int position)
    {
        while (position < source.Length && (char.IsLetterOrDigit(source[position]) || source[position] == '_'))
        {
            position++;
        }

        return position;
    }

    private static int Number(string source, int position)
    {
        position++;
        while (position < source.Length && (char.IsAsciiLetterOrDigit(source[position]) || source[position] is '.' or '_'
                   || (source[position] is '+' or '-' && source[position - 1] is 'e' or 'E')))
        {
            position++;
        }

        return position;
    }

    /// <summary>A Go interpreted string literal; only the common escapes are implemented, others are refused.</summary>
    private static int QuotedString(SourcePosition at, string source, int position, out string value)
    {
        var text = new StringBuilder();
        for (position++; position < source.Length; position++)
        {
            var c = source[position];
            switch (c)
            {
                case '"':
                    value = text.ToString();
                    return position + 1;
                case '\n':
                    throw new TemplateException(at, "unterminated quoted string");
                case '\\' when position + 1 < source.Length:
                    position++;
                    switch (source[position])
                    {
                        case '"': text.Append('"'); break;
                        case '\\': text.Append('\\'); break;
                        case 'n': text.Append('\n'); break;
                        case 't': text.Append('\t'); break;
                        case 'r': text.Append('\r'); break;
                        case 'u' when position + 4 < source.Length:
                            text.Append((char)int.Parse(source.AsSpan(position + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                            position += 4;
                            break;
                        default:
                            throw new TemplateException(at, $"the escape \\{source[position]} is not implemented by this renderer");
                    }

                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        throw new TemplateException(at, "unterminated quoted string");
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static int Newlines(string text) => text.Count(c => c == '\n');
}
