using System.Text;

namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>Runs parsed templates against data with Go's text/template semantics: dot, variables (a variable
/// lives until the end of the if/with/range that declared it, <c>$</c> is the data the template was run with),
/// map fields that are nil when missing (Helm's <c>missingkey=zero</c>), struct fields that must exist, pipelines
/// passing each value as the next command's last argument, lazy <c>and</c>/<c>or</c>, and <c>include</c> /
/// <c>{{template}}</c> with a fresh set of variables.</summary>
internal sealed class TemplateExecutor(IReadOnlyDictionary<string, IReadOnlyList<Node>> templates)
{
    // Helm stops include recursion too; 100 levels is far beyond what a chart needs.
    private const int MaxDepth = 100;

    /// <summary>A pipeline's first command has no value piped into it (unlike a piped nil).</summary>
    private static readonly object Missing = new();

    private List<(string Name, object? Value)> _variables = [];
    private int _depth;

    /// <summary>Runs <paramref name="body"/> with dot and <c>$</c> set to <paramref name="data"/>.</summary>
    public string Execute(IReadOnlyList<Node> body, object? data, SourcePosition at)
    {
        if (++_depth > MaxDepth)
        {
            throw new TemplateException(at, $"templates nested deeper than {MaxDepth} levels");
        }

        var saved = _variables;
        _variables = [("$", data)];
        try
        {
            var output = new StringBuilder();
            Walk(output, body, data);
            return output.ToString();
        }
        finally
        {
            _variables = saved;
            _depth--;
        }
    }

    private string Include(SourcePosition at, string name, object? data) =>
        templates.TryGetValue(name, out var body)
            ? Execute(body, data, at)
            : throw new TemplateException(at, $"no template \"{name}\" is defined");

    private void Walk(StringBuilder output, IReadOnlyList<Node> nodes, object? dot)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                    var value = Pipeline(action.Pipeline, dot);
                    if (action.Pipeline.Variables.Count == 0)
                    {
                        // Go prints a nil value as "<no value>"; Helm removes that text from its output afterwards.
                        output.Append(value is null ? "<no value>" : GoFormat.Value(action.At, value));
                    }

                    break;
                case BranchNode branch:
                    Scoped(() =>
                    {
                        var condition = Pipeline(branch.Condition, dot);
                        if (GoValues.IsTrue(condition))
                        {
                            Walk(output, branch.Then, branch.Kind == BranchKind.With ? condition : dot);
                        }
                        else
                        {
                            Walk(output, branch.Else, dot);
                        }
                    });
                    break;
                case RangeNode range:
                    Scoped(() => Range(output, range, dot));
                    break;
                case TemplateCallNode call:
                    output.Append(Include(call.At, call.Name, call.Argument is null ? null : Pipeline(call.Argument, dot)));
                    break;
                default:
                    throw new TemplateException(node.At, $"{node.GetType().Name} is not implemented by this renderer");
            }
        }
    }

    /// <summary>Variables declared inside are dropped at the end, as at Go's {{end}}.</summary>
    private void Scoped(Action body)
    {
        var mark = _variables.Count;
        try
        {
            body();
        }
        finally
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
        }
    }

    private void Range(StringBuilder output, RangeNode range, object? dot)
    {
        var items = Commands(range.Items, dot);
        IReadOnlyList<(object? Key, object? Value)> elements = items switch
        {
            null => [],
            IReadOnlyList<object?> list => list.Select((v, i) => ((object?)(long)i, v)).ToList(),
            // Go visits a map's keys in sorted order.
            IReadOnlyDictionary<string, object?> map => map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object?)kv.Key, kv.Value)).ToList(),
            _ => throw new TemplateException(range.At, $"range over a {GoValues.TypeName(items)} is not implemented by this renderer"),
        };
        if (elements.Count == 0)
        {
            Walk(output, range.Else, dot);
            return;
        }

        foreach (var (key, value) in elements)
        {
            Scoped(() =>
            {
                switch (range.Items.Variables)
                {
                    case [var element]:
                        Bind(range.Items, element, value);
                        break;
                    case [var index, var element]:
                        Bind(range.Items, index, key);
                        Bind(range.Items, element, value);
                        break;
                }

                Walk(output, range.Body, value);
            });
        }
    }

    private object? Pipeline(Pipeline pipeline, object? dot)
    {
        var value = Commands(pipeline, dot);
        if (pipeline.Variables.Count > 1)
        {
            throw new TemplateException(pipeline.At, "only a range declares two variables");
        }

        if (pipeline.Variables.Count == 1)
        {
            Bind(pipeline, pipeline.Variables[0], value);
        }

        return value;
    }

    private void Bind(Pipeline pipeline, string name, object? value)
    {
        if (!pipeline.IsAssignment)
        {
            _variables.Add((name, value));
            return;
        }

        var index = _variables.FindLastIndex(v => v.Name == name);
        if (index < 0)
        {
            throw new TemplateException(pipeline.At, $"undefined variable: {name}");
        }

        _variables[index] = (name, value);
    }

    private object? Commands(Pipeline pipeline, object? dot)
    {
        var value = Missing;
        foreach (var command in pipeline.Commands)
        {
            value = Command(command, dot, value);
        }

        return value;
    }

    private object? Command(Command command, object? dot, object? piped)
    {
        var arguments = command.Words.Skip(1).ToList();
        switch (command.Words[0])
        {
            case FunctionOperand function:
                return Call(function, arguments, dot, piped);
            case FieldOperand field:
                return Fields(field.At, dot, field.Path, arguments, dot, piped);
            case VariableOperand { Path.Count: > 0 } variable:
                return Fields(variable.At, Variable(variable), variable.Path, arguments, dot, piped);
            case NestedOperand { Path.Count: > 0 } nested:
                return Fields(nested.At, Pipeline(nested.Pipeline, dot), nested.Path, arguments, dot, piped);
            case LiteralOperand { Value: null } nil:
                throw new TemplateException(nil.At, "nil is not a command");
            case var operand:
                if (arguments.Count > 0 || piped != Missing)
                {
                    throw new TemplateException(operand.At, "can't give argument to non-function");
                }

                return Argument(operand, dot);
        }
    }

    /// <summary>An argument of a function (or of a method): evaluated in place, without piped input.</summary>
    private object? Argument(Operand operand, object? dot) => operand switch
    {
        DotOperand => dot,
        LiteralOperand literal => literal.Value,
        FieldOperand field => Fields(field.At, dot, field.Path, [], dot, Missing),
        VariableOperand variable => variable.Path.Count == 0 ? Variable(variable) : Fields(variable.At, Variable(variable), variable.Path, [], dot, Missing),
        NestedOperand nested => nested.Path.Count == 0 ? Pipeline(nested.Pipeline, dot) : Fields(nested.At, Pipeline(nested.Pipeline, dot), nested.Path, [], dot, Missing),
        FunctionOperand function => Call(function, [], dot, Missing),
        _ => throw new TemplateException(operand.At, $"{operand.GetType().Name} is not implemented by this renderer"),
    };

    private object? Variable(VariableOperand variable)
    {
        var index = _variables.FindLastIndex(v => v.Name == variable.Name);
        return index >= 0 ? _variables[index].Value : throw new TemplateException(variable.At, $"undefined variable: {variable.Name}");
    }

    private object? Call(FunctionOperand function, IReadOnlyList<Operand> words, object? dot, object? piped)
    {
        var at = function.At;
        if (function.Name is "and" or "or")
        {
            // Go 1.18+: stops at the first argument that decides the result, and returns that argument.
            var operands = words.Select(w => (Func<object?>)(() => Argument(w, dot))).ToList();
            if (piped != Missing)
            {
                operands.Add(() => piped);
            }

            if (operands.Count == 0)
            {
                throw new TemplateException(at, $"wrong number of args for {function.Name}: want at least 1 got 0");
            }

            object? value = null;
            foreach (var operand in operands)
            {
                value = operand();
                if (GoValues.IsTrue(value) == (function.Name == "or"))
                {
                    return value;
                }
            }

            return value;
        }

        var arguments = words.Select(w => Argument(w, dot)).ToList();
        if (piped != Missing)
        {
            arguments.Add(piped);
        }

        if (function.Name == "include")
        {
            return arguments is [string name, var data]
                ? Include(at, name, data)
                : throw new TemplateException(at, "include takes a template name and one value");
        }

        return TemplateFunctions.Call(at, function.Name, arguments);
    }

    /// <summary>Reads the field path from <paramref name="receiver"/>; the last step may be a method that takes the
    /// arguments (only <c>.Files.Get</c> here).</summary>
    private object? Fields(SourcePosition at, object? receiver, IReadOnlyList<string> path, IReadOnlyList<Operand> words, object? dot, object? piped)
    {
        for (var i = 0; i < path.Count; i++)
        {
            var name = path[i];
            var last = i == path.Count - 1;
            var hasArguments = last && (words.Count > 0 || piped != Missing);
            switch (receiver)
            {
                case ChartFiles files when last:
                    var arguments = words.Select(w => Argument(w, dot)).ToList();
                    if (piped != Missing)
                    {
                        arguments.Add(piped);
                    }

                    return files.Invoke(at, name, arguments);
                case IReadOnlyDictionary<string, object?> map when !hasArguments:
                    receiver = map.GetValueOrDefault(name);
                    break;
                case TemplateObject structure when !hasArguments:
                    receiver = structure.Fields.TryGetValue(name, out var field)
                        ? field
                        : throw new TemplateException(at, $"can't evaluate field {name} in type {structure.TypeName}");
                    break;
                case IReadOnlyDictionary<string, object?> or TemplateObject:
                    throw new TemplateException(at, $"{name} is not a method but has arguments");
                case null:
                    throw new TemplateException(at, $"nil pointer evaluating interface {{}}.{name}");
                default:
                    throw new TemplateException(at, $"can't evaluate field {name} in type {GoValues.TypeName(receiver)}");
            }
        }

        return receiver;
    }
}
