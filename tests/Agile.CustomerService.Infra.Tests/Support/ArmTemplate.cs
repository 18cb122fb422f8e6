using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agile.CustomerService.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template with its nested module deployments flattened into one list of
/// resources. Values that are nothing but a reference to a parameter, a variable or a module
/// output are followed to what they stand for, so a test can ask "what does this property
/// end up as" without evaluating ARM expressions.
/// </summary>
public sealed class ArmTemplate
{
    public ArmTemplate(string json)
    {
        Json = json;
        using var document = JsonDocument.Parse(json);
        Root = new TemplateScope("main", document.RootElement.Clone(), parent: null, passedParameters: null);
        Scopes = [Root, .. Root.DescendantScopes()];
        Resources = Scopes.SelectMany(scope => scope.OwnResources()).ToList();
    }

    public string Json { get; }

    public TemplateScope Root { get; }

    public IReadOnlyList<TemplateScope> Scopes { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource SingleOfType(string type)
    {
        var matches = OfType(type).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"Expected exactly one {type}, found {matches.Count}.");
    }

    /// <summary>The pilot's user-assigned identity, declared in main.bicep.</summary>
    public ArmResource Identity =>
        OfType("Microsoft.ManagedIdentity/userAssignedIdentities").Single(resource => resource.Scope == Root);

    /// <summary>The ARM expression of the identity's resource id, as the compiler writes it.</summary>
    public string IdentityResourceIdExpression =>
        $"[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', {Unwrap(Identity.Name)})]";

    /// <summary>True when the (resolved) value reads <paramref name="property"/> of the pilot identity.</summary>
    public bool IsIdentityProperty(string? value, string property) =>
        value is not null
        && value.StartsWith(
            $"[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', {Unwrap(Identity.Name)}), '",
            StringComparison.Ordinal)
        && value.EndsWith($").{property}]", StringComparison.Ordinal);

    private static string Unwrap(string expression) =>
        expression.StartsWith('[') && expression.EndsWith(']') ? expression[1..^1] : $"'{expression}'";
}

/// <summary>One template: main.bicep or a module, with the parameter values its parent passed.</summary>
public sealed partial class TemplateScope
{
    private const int MaxResolutionDepth = 32;

    private readonly JsonElement _passedParameters;

    internal TemplateScope(string name, JsonElement template, TemplateScope? parent, JsonElement? passedParameters)
    {
        Name = name;
        Template = template;
        Parent = parent;
        _passedParameters = passedParameters ?? default;
    }

    public string Name { get; }

    public JsonElement Template { get; }

    public TemplateScope? Parent { get; }

    public IEnumerable<KeyValuePair<string, JsonElement>> Outputs =>
        Template.TryGetProperty("outputs", out var outputs) && outputs.ValueKind == JsonValueKind.Object
            ? outputs.EnumerateObject().Select(output => KeyValuePair.Create(output.Name, output.Value))
            : [];

    /// <summary>Follows a value that is exactly a parameter, variable or module-output reference.</summary>
    public JsonElement Resolve(JsonElement value) => Resolve(value, 0);

    internal IEnumerable<ArmResource> OwnResources() => ResourceElements().Select(element => new ArmResource(element, this));

    internal IEnumerable<TemplateScope> DescendantScopes()
    {
        foreach (var child in ResourceElements().Select(ChildScope).OfType<TemplateScope>())
        {
            yield return child;
            foreach (var grandChild in child.DescendantScopes())
            {
                yield return grandChild;
            }
        }
    }

    private List<JsonElement> ResourceElements()
    {
        if (!Template.TryGetProperty("resources", out var resources))
        {
            return [];
        }

        // languageVersion 2.0 templates hold resources as an object keyed by symbolic name.
        return resources.ValueKind switch
        {
            JsonValueKind.Array => resources.EnumerateArray().ToList(),
            JsonValueKind.Object => resources.EnumerateObject().Select(property => property.Value).ToList(),
            _ => [],
        };
    }

    private TemplateScope? ChildScope(JsonElement resource) =>
        resource.TryGetProperty("type", out var type)
        && string.Equals(type.GetString(), "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
        && resource.TryGetProperty("properties", out var properties)
        && properties.TryGetProperty("template", out var template)
            ? new TemplateScope(
                resource.GetProperty("name").GetString() ?? "?",
                template,
                this,
                properties.TryGetProperty("parameters", out var passed) ? passed : null)
            : null;

    private JsonElement Resolve(JsonElement value, int depth)
    {
        if (value.ValueKind != JsonValueKind.String || depth > MaxResolutionDepth)
        {
            return value;
        }

        var text = value.GetString() ?? string.Empty;
        if (ParameterReference().Match(text) is { Success: true } parameter)
        {
            return ResolveParameter(parameter.Groups["name"].Value, value, depth);
        }

        if (VariableReference().Match(text) is { Success: true } variable
            && Template.TryGetProperty("variables", out var variables)
            && variables.TryGetProperty(variable.Groups["name"].Value, out var variableValue))
        {
            return Resolve(variableValue, depth + 1);
        }

        if (ModuleOutputReference().Match(text) is { Success: true } moduleOutput
            && ResourceElements().Select(ChildScope).OfType<TemplateScope>()
                .FirstOrDefault(child => child.Name == moduleOutput.Groups["module"].Value) is { } module
            && module.Template.TryGetProperty("outputs", out var outputs)
            && outputs.TryGetProperty(moduleOutput.Groups["output"].Value, out var output)
            && output.TryGetProperty("value", out var outputValue))
        {
            return module.Resolve(outputValue, depth + 1);
        }

        return value;
    }

    private JsonElement ResolveParameter(string name, JsonElement unresolved, int depth)
    {
        if (Parent is not null
            && _passedParameters.ValueKind == JsonValueKind.Object
            && _passedParameters.TryGetProperty(name, out var passed)
            && passed.TryGetProperty("value", out var passedValue))
        {
            return Parent.Resolve(passedValue, depth + 1);
        }

        return Template.TryGetProperty("parameters", out var declared)
            && declared.TryGetProperty(name, out var declaration)
            && declaration.TryGetProperty("defaultValue", out var defaultValue)
                ? Resolve(defaultValue, depth + 1)
                : unresolved;
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^\[reference\(resourceId\('Microsoft\.Resources/deployments', '(?<module>[^']+)'\), '[^']+'\)\.outputs\.(?<output>[A-Za-z0-9_]+)\.value\]$")]
    private static partial Regex ModuleOutputReference();
}

/// <summary>One resource of a template, read through its scope.</summary>
public sealed partial record ArmResource(JsonElement Element, TemplateScope Scope)
{
    public string Type => Element.GetProperty("type").GetString() ?? string.Empty;

    public string Name => Element.GetProperty("name").GetString() ?? string.Empty;

    /// <summary>The last segment of the name when it is known at compile time (e.g. 'contacts').</summary>
    public string? LeafName
    {
        get
        {
            var name = Scope.Resolve(Element.GetProperty("name")).GetString() ?? string.Empty;
            if (!name.StartsWith('['))
            {
                return name.Split('/')[^1];
            }

            var last = LastNameArgument().Match(name);
            if (!last.Success)
            {
                return null;
            }

            var argument = last.Groups["arg"].Value;
            return argument.StartsWith('\'')
                ? argument[1..^1]
                : Scope.Resolve(JsonSerializer.SerializeToElement($"[{argument}]")) is { ValueKind: JsonValueKind.String } resolved
                    && resolved.GetString() is { } text && !text.StartsWith('[')
                        ? text
                        : null;
        }
    }

    /// <summary>The value at a dotted property path, following references at every step.</summary>
    public JsonElement? Get(string dottedPath)
    {
        var current = Element;
        foreach (var segment in dottedPath.Split('.'))
        {
            current = Scope.Resolve(current);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return null;
            }
        }

        return Scope.Resolve(current);
    }

    public string? GetString(string dottedPath) =>
        Get(dottedPath) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public bool? GetBool(string dottedPath) =>
        Get(dottedPath) is { ValueKind: JsonValueKind.True or JsonValueKind.False } value ? value.GetBoolean() : null;

    public int? GetInt(string dottedPath) =>
        Get(dottedPath) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    /// <summary>The strings of an array property, each resolved.</summary>
    public IReadOnlyList<string> GetStrings(string dottedPath) =>
        Get(dottedPath) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(item => Scope.Resolve(item).GetString() ?? string.Empty).ToList()
            : [];

    [GeneratedRegex(@",\s*(?<arg>'[^']*'|parameters\('[^']+'\)|variables\('[^']+'\))\)\]$")]
    private static partial Regex LastNameArgument();
}
