namespace RoleplayHub.Core;

/// <summary>One lip-sync key: at <c>t</c> ms from the start of the clip the mouth takes shape <c>v</c>.</summary>
public sealed record VisemeCue(int T, string V);
