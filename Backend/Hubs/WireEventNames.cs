using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace RoleplayHub.Hubs;

/// <summary>The wire name of each server → client payload, read once from <see cref="IRoleplayClient"/>'s
/// <c>[HubMethodName]</c>s, so a transport other than SignalR names its events exactly as the hub does.</summary>
internal static class WireEventNames
{
    private static readonly Dictionary<Type, string> Names = typeof(IRoleplayClient).GetMethods().ToDictionary(
        method => method.GetParameters().Single().ParameterType,
        method => method.GetCustomAttribute<HubMethodNameAttribute>()!.Name);

    public static string Of(object payload) => Names.TryGetValue(payload.GetType(), out var name)
        ? name
        : throw new ArgumentOutOfRangeException(nameof(payload), payload.GetType().Name, "Not a payload IRoleplayClient sends.");
}
