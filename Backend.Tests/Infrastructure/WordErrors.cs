namespace RoleplayHub.Tests.Infrastructure;

/// <summary>Word error rate, as the tests and the speech benchmark (bench/, which links this file) both score it.</summary>
public static class WordErrors
{
    /// <summary>Word-level edit distance of the hypothesis from the reference, divided by the reference's words.</summary>
    public static double Rate(string reference, string hypothesis)
    {
        var r = reference.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var h = hypothesis.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var d = new int[r.Length + 1, h.Length + 1];
        for (var i = 0; i <= r.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= h.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            for (var j = 1; j <= h.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1));
            }
        }

        return r.Length == 0 ? 0 : (double)d[r.Length, h.Length] / r.Length;
    }
}
