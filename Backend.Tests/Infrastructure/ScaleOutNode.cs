namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A node of a scale-out test: the service as a process (<see cref="BackendProcess"/>) sharing one PostgreSQL history
/// and one Redis (the SignalR backplane and the session leases) with its siblings, its leases renewed every second.
/// </summary>
public static class ScaleOutNode
{
    /// <summary>Starts node <paramref name="nodeId"/> on <paramref name="dataDirectory"/>. <paramref name="channelPrefix"/>
    /// is the Redis prefix of one test's nodes, so tests sharing the Redis never meet; <paramref name="more"/> adds
    /// settings (configuration keys), e.g. the environment of a node a browser signs in to.</summary>
    public static Task<BackendProcess> StartAsync(string nodeId, string dataDirectory, string database, RedisServer redis, string channelPrefix,
        TimeSpan leaseTtl, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["DataDirectory"] = dataDirectory,
            ["Database:Provider"] = "postgres",
            ["Database:MigrateOnStart"] = "true",
            ["ConnectionStrings:Postgres"] = database,
            ["History:NodeId"] = nodeId,
            ["ScaleOut:Redis"] = redis.Configuration,
            ["ScaleOut:ChannelPrefix"] = channelPrefix,
            ["ScaleOut:NodeId"] = nodeId,
            ["ScaleOut:LeaseTtl"] = leaseTtl.ToString(),
            ["ScaleOut:LeaseRenewInterval"] = "00:00:01",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return BackendProcess.StartAsync(settings);
    }
}
