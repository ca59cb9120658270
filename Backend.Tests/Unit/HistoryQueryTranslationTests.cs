using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using RoleplayHub.Database;
using RoleplayHub.Database.Entities;
using RoleplayHub.History;

namespace RoleplayHub.Tests.Unit;

/// <summary>
/// Every query of the history API (<see cref="HistoryQueryables"/>) and of the start-up recovery, with every filter set
/// and with none, translates to SQL for each provider. No SQL Server can run here: for SQL Server this translation
/// (<c>ToQueryString</c>, which opens no connection) is what is verified; it has not been run against a server.
/// </summary>
public sealed class HistoryQueryTranslationTests : IDisposable
{
    private static readonly DateTime From = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>q with every character LIKE treats specially on some provider, and upper case.</summary>
    private const string Needle = @"50%_Off [a]\b";

    private static readonly SessionFilter EveryFilter = new(
        "alice", "procurement-price", "s-1", SessionStatus.Ended, From, To, Needle, 20,
        new PageCursor(new DateTime(2026, 11, 20, 8, 30, 0, DateTimeKind.Utc), 42));

    private static readonly SessionFilter NoFilter = new(null, null, null, null, null, null, null, 50, null);

    private readonly OfflineHistoryContexts _contexts = new();

    public void Dispose() => _contexts.Dispose();

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void EveryHistoryQueryTranslatesWithEveryFilterAndWithNone(string provider)
    {
        using var db = _contexts.Create(provider);

        var translated = Translate(db);

        Assert.Equal(13, translated.Count);
        Assert.All(translated, query => Assert.Contains("SELECT", query.Value, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OfflineHistoryContexts.Providers), MemberType = typeof(OfflineHistoryContexts))]
    public void EveryListFilterBecomesAConditionOnItsColumn(string provider)
    {
        using var db = _contexts.Create(provider);

        var sql = HistoryQueryables.Page(db, EveryFilter).ToQueryString();
        var unfiltered = HistoryQueryables.Page(db, NoFilter).ToQueryString();

        foreach (var column in new[] { "user_id", "scenario_id", "session_id", "status" })
        {
            Assert.Matches($@"{column}\W* = @\w+", sql);
            Assert.DoesNotMatch($@"{column}\W* = @\w+", unfiltered);
        }

        Assert.Matches(@"started_at\W* >= @\w+", sql);
        Assert.Matches(@"started_at\W* < @\w+", sql);
        Assert.Matches(@"(?i)lower\(\W*t\W*\.\W*user_text\W*\)", sql);
        Assert.Matches(@"(?i)lower\(\W*t\W*\.\W*ai_text\W*\)", sql);
        Assert.DoesNotMatch("(?i)lower", unfiltered);
    }

    [Fact]
    public void EveryHistoryQueryTranslatesForSqlServer()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);

        var translated = Translate(db);

        Assert.IsType<SqlServerHistoryDbContext>(db);
        Assert.All(translated, query =>
        {
            Assert.Matches(@"FROM \[(sessions|turns)\] AS \[[st]\]", query.Value);
            Assert.DoesNotContain("\"", query.Value, StringComparison.Ordinal);
            Assert.DoesNotContain("LIMIT", query.Value, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void OnSqlServerTheTextSearchIsALikeOfTheLowerCasedTextWithTheNeedlesWildcardsEscaped()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);

        var sql = HistoryQueryables.Page(db, EveryFilter).ToQueryString();

        Assert.Matches(@"LOWER\(\[t\]\.\[user_text\]\) LIKE (@\w+) ESCAPE N'\\'", sql);
        Assert.Matches(@"LOWER\(\[t\]\.\[ai_text\]\) LIKE (@\w+) ESCAPE N'\\'", sql);
        // lower-cased like the column, each of % _ [ \ escaped, then wrapped in the pattern's own %.
        Assert.Matches(@"DECLARE @\w+ nvarchar\(4000\) = N'%50\\%\\_off \\\[a]\\\\b%';", sql);
    }

    [Fact]
    public void OnSqlServerAPageIsAKeysetRangeInIndexOrderWithOneRowMoreThanTheLimit()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);

        var sql = HistoryQueryables.Page(db, EveryFilter).ToQueryString();

        var top = Regex.Match(sql, @"SELECT TOP\((@\w+)\)");
        Assert.True(top.Success, sql);
        Assert.Contains($"DECLARE {top.Groups[1].Value} int = 21;", sql, StringComparison.Ordinal);
        Assert.Matches(@"\(\[s\]\.\[started_at\] < (@\w+) OR \(\[s\]\.\[started_at\] = \1 AND \[s\]\.\[id\] < @\w+\)\)", sql);
        Assert.EndsWith("ORDER BY [s].[started_at] DESC, [s].[id] DESC", sql.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void OnSqlServerTheStatisticsCountSessionsPerUtcDateAndAverageOnlyUserTurns()
    {
        using var db = _contexts.Create(DatabaseOptions.SqlServer);
        var sessions = HistoryQueryables.StatsSessions(db, From, To, "procurement-price", "alice");

        var days = HistoryQueryables.Days(sessions).ToQueryString();
        var turns = HistoryQueryables.Turns(db, sessions).ToQueryString();

        Assert.Contains("CONVERT(date, [s].[started_at])", days, StringComparison.Ordinal);
        Assert.Matches(@"GROUP BY \[s0\]\.\[\w+\]", days);
        Assert.Matches(@"COUNT\(CASE\s+WHEN \[t0\]\.\[error_count\] > 0 THEN 1\s+END\)", turns);
        Assert.Equal(6, Regex.Matches(turns, @"AVG\(CASE\s+WHEN \[t0\]\.\[index\] > 0 THEN CAST\(\[t0\]\.\[\w+_ms\] AS float\)\s+END\)").Count);
        Assert.Contains("[t].[session_key] IN (", turns, StringComparison.Ordinal);
    }

    /// <summary>Each round trip of the history API and of the start-up recovery, by what it is.</summary>
    private static Dictionary<string, string> Translate(HistoryDbContext db)
    {
        var filtered = HistoryQueryables.StatsSessions(db, From, To, "procurement-price", "alice");
        var everything = HistoryQueryables.StatsSessions(db, From, To, null, null);
        return new Dictionary<string, string>
        {
            ["page, every filter"] = HistoryQueryables.Page(db, EveryFilter).ToQueryString(),
            ["page, no filter"] = HistoryQueryables.Page(db, NoFilter).ToQueryString(),
            ["session of its owner"] = HistoryQueryables.Session(db, Guid.NewGuid(), "alice").ToQueryString(),
            ["session, admin"] = HistoryQueryables.Session(db, Guid.NewGuid(), null).ToQueryString(),
            ["turns of a session"] = HistoryQueryables.Turns(db, Guid.NewGuid()).ToQueryString(),
            ["outcomes, filtered"] = HistoryQueryables.Outcomes(filtered).ToQueryString(),
            ["outcomes"] = HistoryQueryables.Outcomes(everything).ToQueryString(),
            ["days, filtered"] = HistoryQueryables.Days(filtered).ToQueryString(),
            ["days"] = HistoryQueryables.Days(everything).ToQueryString(),
            ["turn totals, filtered"] = HistoryQueryables.Turns(db, filtered).ToQueryString(),
            ["turn totals"] = HistoryQueryables.Turns(db, everything).ToQueryString(),
            ["recovery of one node"] = HistoryStore.Orphans(db, "node-a").ToQueryString(),
            ["recovery of every node"] = HistoryStore.Orphans(db, null).ToQueryString(),
        };
    }
}
