using System.Globalization;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Builds the tree of one template file from its tokens. Follows Go's text/template grammar for the
/// constructs it knows; refuses <c>block</c>, <c>break</c>, <c>continue</c> and any function it does not
/// implement at parse time (as Go refuses an undefined function), so a chart cannot use them unnoticed even in
/// a branch the tests never take.</summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Unsupported = ["block", "break", "continue"];

    private readonly string _file;
    private readonly IReadOnlyList<Token> _tokens;
    private readonly IReadOnlySet<string> _functions;
    private readonly Dictionary<string, IReadOnlyList<Node>> _defines = new(StringComparer.Ordinal);

    // The variables in scope, checked while parsing as Go does: one used outside its if/with/range, or inside a
    // define that did not declare it, is an error even in a branch the tests never take.
    private List<string> _variables = ["$"];
    private int _next;

    private Parser(string file, IReadOnlyList<Token> tokens, IReadOnlySet<string> functions)
    {
        _file = file;
        _tokens = tokens;
        _functions = functions;
    }

    public static ParsedTemplate Parse(string file, string source, IReadOnlySet<string> functions)
    {
        var parser = new Parser(file, Lexer.Tokenize(file, source), functions);
        var (body, end) = parser.List(topLevel: true);
        if (end is not null)
        {
            throw new TemplateException(parser.At(end), $"unexpected {{{{{end.Text}}}}}");
        }

        return new ParsedTemplate(file, body, parser._defines);
    }

    private SourcePosition At(Token token) => new(_file, token.Line);

    private Token? Peek(int ahead = 0) => _next + ahead < _tokens.Count ? _tokens[_next + ahead] : null;

    private Token Take(TokenKind kind, string what)
    {
        var token = Peek() ?? throw new TemplateException(At(_tokens[^1]), $"unexpected end of template, expected {what}");
        if (token.Kind != kind)
        {
            throw new TemplateException(At(token), $"unexpected \"{token.Text}\", expected {what}");
        }

        _next++;
        return token;
    }

    private bool IsKeyword(Token? token, string keyword) => token is { Kind: TokenKind.Identifier } && token.Text == keyword;

    /// <summary>Nodes up to an <c>{{end}}</c> or <c>{{else}}</c> (returned, its action start consumed, the keyword
    /// not) or the end of the file (null).</summary>
    private (List<Node> Nodes, Token? Terminator) List(bool topLevel)
    {
        var nodes = new List<Node>();
        while (Peek() is { } token)
        {
            if (token.Kind == TokenKind.Text)
            {
                nodes.Add(new TextNode(At(token), token.Text));
                _next++;
                continue;
            }

            var start = Take(TokenKind.ActionStart, "an action");
            var first = Peek() ?? throw new TemplateException(At(start), "unclosed action");
            if (IsKeyword(first, "end") || IsKeyword(first, "else"))
            {
                return (nodes, first);
            }

            if (first.Kind == TokenKind.Identifier && Unsupported.Contains(first.Text))
            {
                throw new TemplateException(At(first), $"{{{{{first.Text}}}}} is not implemented by this renderer");
            }

            switch (first.Text)
            {
                case "if" or "with" when first.Kind == TokenKind.Identifier:
                    _next++;
                    nodes.Add(Branch(first, first.Text == "if" ? BranchKind.If : BranchKind.With));
                    break;
                case "range" when first.Kind == TokenKind.Identifier:
                    _next++;
                    nodes.Add(Range(first));
                    break;
                case "template" when first.Kind == TokenKind.Identifier:
                    _next++;
                    var name = Take(TokenKind.String, "a template name");
                    var argument = Peek()?.Kind == TokenKind.ActionEnd ? null : Pipeline(At(first), allowDeclarations: false, TokenKind.ActionEnd);
                    Take(TokenKind.ActionEnd, "}}");
                    nodes.Add(new TemplateCallNode(At(first), name.Text, argument));
                    break;
                case "define" when first.Kind == TokenKind.Identifier:
                    if (!topLevel)
                    {
                        throw new TemplateException(At(first), "{{define}} is allowed only at the top level");
                    }

                    _next++;
                    Define(first);
                    break;
                default:
                    var pipeline = Pipeline(At(first), allowDeclarations: true, TokenKind.ActionEnd);
                    Take(TokenKind.ActionEnd, "}}");
                    nodes.Add(new ActionNode(At(first), pipeline));
                    break;
            }
        }

        return (nodes, null);
    }

    private void Define(Token keyword)
    {
        var name = Take(TokenKind.String, "a template name");
        Take(TokenKind.ActionEnd, "}}");
        var outer = _variables;
        _variables = ["$"];
        var (body, end) = List(topLevel: false);
        _variables = outer;
        if (!IsKeyword(end, "end"))
        {
            throw new TemplateException(At(end ?? keyword), $"{{{{define \"{name.Text}\"}}}} needs {{{{end}}}}");
        }

        EndAction();
        if (!_defines.TryAdd(name.Text, body))
        {
            // Go lets a later definition replace an earlier one; which one Helm keeps depends on file order.
            throw new TemplateException(At(keyword), $"template \"{name.Text}\" is defined twice");
        }
    }

    /// <summary>After <c>{{if pipeline}}</c> or <c>{{with pipeline}}</c>: the branches up to the matching
    /// <c>{{end}}</c>. <c>{{else if}}</c> (in an if) and <c>{{else with}}</c> (in a with) nest a branch that
    /// consumes that same end, as Go's parser does.</summary>
    private BranchNode Branch(Token keyword, BranchKind kind) => Scoped(() => BranchBody(keyword, kind));

    private BranchNode BranchBody(Token keyword, BranchKind kind)
    {
        var condition = Pipeline(At(keyword), allowDeclarations: true, TokenKind.ActionEnd);
        Take(TokenKind.ActionEnd, "}}");
        var (then, end) = List(topLevel: false);
        IReadOnlyList<Node> otherwise = [];
        if (IsKeyword(end, "else"))
        {
            _next++;
            var next = Peek();
            if ((kind == BranchKind.If && IsKeyword(next, "if")) || (kind == BranchKind.With && IsKeyword(next, "with")))
            {
                _next++;
                return new BranchNode(At(keyword), kind, condition, then, [Branch(next!, kind)]);
            }

            Take(TokenKind.ActionEnd, "}}");
            (var elseNodes, end) = List(topLevel: false);
            otherwise = elseNodes;
        }

        if (!IsKeyword(end, "end"))
        {
            throw new TemplateException(At(end ?? keyword), $"{{{{{keyword.Text}}}}} needs {{{{end}}}}");
        }

        EndAction();
        return new BranchNode(At(keyword), kind, condition, then, otherwise);
    }

    private RangeNode Range(Token keyword) => Scoped(() => RangeBody(keyword));

    private RangeNode RangeBody(Token keyword)
    {
        var items = Pipeline(At(keyword), allowDeclarations: true, TokenKind.ActionEnd);
        Take(TokenKind.ActionEnd, "}}");
        var (body, end) = List(topLevel: false);
        IReadOnlyList<Node> otherwise = [];
        if (IsKeyword(end, "else"))
        {
            _next++;
            Take(TokenKind.ActionEnd, "}}");
            (var elseNodes, end) = List(topLevel: false);
            otherwise = elseNodes;
        }

        if (!IsKeyword(end, "end"))
        {
            throw new TemplateException(At(end ?? keyword), "{{range}} needs {{end}}");
        }

        EndAction();
        return new RangeNode(At(keyword), items, body, otherwise);
    }

    /// <summary>Variables declared in <paramref name="parse"/> go out of scope after it, as at Go's {{end}}.</summary>
    private T Scoped<T>(Func<T> parse)
    {
        var mark = _variables.Count;
        try
        {
            return parse();
        }
        finally
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
        }
    }

    /// <summary>Consumes <c>end }}</c>.</summary>
    private void EndAction()
    {
        _next++;
        Take(TokenKind.ActionEnd, "}} after end");
    }

    private Pipeline Pipeline(SourcePosition at, bool allowDeclarations, TokenKind closing)
    {
        var variables = new List<string>();
        var isAssignment = false;
        if (allowDeclarations && Peek()?.Kind == TokenKind.Variable
                              && Peek(1)?.Kind is TokenKind.Declare or TokenKind.Assign or TokenKind.Comma)
        {
            variables.Add(Take(TokenKind.Variable, "a variable").Text);
            if (Peek()?.Kind == TokenKind.Comma)
            {
                _next++;
                variables.Add(Take(TokenKind.Variable, "a second variable").Text);
            }

            var operation = Peek();
            if (operation?.Kind is not (TokenKind.Declare or TokenKind.Assign))
            {
                throw new TemplateException(at, "expected := or = after the variables");
            }

            isAssignment = operation.Kind == TokenKind.Assign;
            _next++;
            foreach (var variable in variables)
            {
                if (!isAssignment)
                {
                    _variables.Add(variable);
                }
                else if (!_variables.Contains(variable))
                {
                    throw new TemplateException(at, $"undefined variable \"{variable}\"");
                }
            }
        }

        var commands = new List<Command> { Command(at, closing) };
        while (Peek()?.Kind == TokenKind.Pipe)
        {
            _next++;
            commands.Add(Command(at, closing));
        }

        return new Pipeline(at, variables, isAssignment, commands);
    }

    private Command Command(SourcePosition at, TokenKind closing)
    {
        var words = new List<Operand>();
        while (Peek() is { } token && token.Kind != TokenKind.Pipe && token.Kind != closing)
        {
            words.Add(Operand(token));
        }

        if (words.Count == 0)
        {
            throw new TemplateException(at, "missing command in pipeline");
        }

        return new Command(words[0].At, words);
    }

    private Operand Operand(Token token)
    {
        var at = At(token);
        _next++;
        switch (token.Kind)
        {
            case TokenKind.Dot:
                return new DotOperand(at);
            case TokenKind.Field:
                return new FieldOperand(at, [token.Text, .. FieldChain()]);
            case TokenKind.Variable:
                return _variables.Contains(token.Text)
                    ? new VariableOperand(at, token.Text, FieldChain())
                    : throw new TemplateException(at, $"undefined variable \"{token.Text}\"");
            case TokenKind.String:
                return new LiteralOperand(at, token.Text);
            case TokenKind.Number:
                return new LiteralOperand(at, Number(at, token.Text));
            case TokenKind.OpenParen:
                var nested = Pipeline(at, allowDeclarations: false, TokenKind.CloseParen);
                Take(TokenKind.CloseParen, ")");
                return new NestedOperand(at, nested, FieldChain());
            case TokenKind.Identifier:
                return token.Text switch
                {
                    "true" => new LiteralOperand(at, true),
                    "false" => new LiteralOperand(at, false),
                    "nil" => new LiteralOperand(at, null),
                    _ when _functions.Contains(token.Text) => new FunctionOperand(at, token.Text),
                    _ => throw new TemplateException(at, $"function \"{token.Text}\" is not implemented by this renderer"),
                };
            default:
                throw new TemplateException(at, $"unexpected \"{token.Text}\" in command");
        }
    }

    /// <summary>Field names written right after an operand, with no space between: <c>$x.A.B</c>.</summary>
    private List<string> FieldChain()
    {
        var path = new List<string>();
        while (Peek() is { Kind: TokenKind.Field, SpaceBefore: false } field)
        {
            path.Add(field.Text);
            _next++;
        }

        return path;
    }

    /// <summary>Go's integer and floating-point constants in the forms charts write; others are refused.</summary>
    private static object Number(SourcePosition at, string text)
    {
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (plain.TrimStart('+', '-') is ['0', >= '0' and <= '9', ..])
        {
            throw new TemplateException(at, $"the octal constant {text} is not implemented by this renderer");
        }

        if (long.TryParse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        if (plain.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(plain.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !plain.Contains('x', StringComparison.OrdinalIgnoreCase))
        {
            return real;
        }

        throw new TemplateException(at, $"the number {text} is not in a form this renderer implements");
    }
}
