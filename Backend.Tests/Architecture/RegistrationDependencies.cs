using System.Reflection;
using Mono.Cecil;

namespace RoleplayHub.Tests.Architecture;

/// <summary>The project namespaces a class refers to — in its signatures, fields and method bodies, lambdas included
/// — read from the assembly's IL with Mono.Cecil (what NetArchTest uses underneath).</summary>
internal static class RegistrationDependencies
{
    /// <summary>The namespaces, or null when the assembly has no such class.</summary>
    public static IReadOnlySet<string>? Of(Assembly assembly, string typeName)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        var types = module.Types.Where(t => t.Name == typeName).ToList();
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            Collect(type, namespaces);
        }

        return types.Count == 0 ? null : namespaces;
    }

    private static void Collect(TypeDefinition type, HashSet<string> namespaces)
    {
        foreach (var nested in type.NestedTypes)
        {
            Collect(nested, namespaces); // closures and state machines
        }

        foreach (var field in type.Fields)
        {
            Add(field.FieldType, namespaces);
        }

        foreach (var method in type.Methods)
        {
            Add(method.ReturnType, namespaces);
            foreach (var parameter in method.Parameters)
            {
                Add(parameter.ParameterType, namespaces);
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case MethodReference called:
                        Add(called.DeclaringType, namespaces);
                        Add(called.ReturnType, namespaces);
                        if (called is GenericInstanceMethod generic)
                        {
                            foreach (var argument in generic.GenericArguments)
                            {
                                Add(argument, namespaces);
                            }
                        }

                        break;
                    case FieldReference field:
                        Add(field.DeclaringType, namespaces);
                        break;
                    case TypeReference typeReference:
                        Add(typeReference, namespaces);
                        break;
                }
            }
        }
    }

    private static void Add(TypeReference? type, HashSet<string> namespaces)
    {
        while (type is TypeSpecification specification and not GenericInstanceType)
        {
            type = specification.ElementType;
        }

        if (type is null)
        {
            return;
        }

        if (type is GenericInstanceType instance)
        {
            foreach (var argument in instance.GenericArguments)
            {
                Add(argument, namespaces);
            }

            type = instance.ElementType;
        }

        var declaring = type;
        while (declaring.DeclaringType is not null)
        {
            declaring = declaring.DeclaringType;
        }

        if (declaring.Namespace.StartsWith("RoleplayHub", StringComparison.Ordinal))
        {
            namespaces.Add(declaring.Namespace);
        }
    }
}
