namespace RoleplayHub.Coaching;

/// <summary>Exec's bands: good from 75, fair from 50.</summary>
public static class Ratings
{
    public static string Of(double? score) => score switch
    {
        null => "n/a",
        >= 75 => "good",
        >= 50 => "fair",
        _ => "poor",
    };
}
