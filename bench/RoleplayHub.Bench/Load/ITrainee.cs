namespace RoleplayHub.Bench.Load;

/// <summary>A simulated trainee of the server under test: the hub (<see cref="SimulatedUser"/>) or the Socket.io
/// reference (<see cref="SocketIoUser"/>), with the same workload.</summary>
internal interface ITrainee
{
    bool HasSession { get; }

    bool IsConnected { get; }

    Task RunAsync(long startAt, long deadline);
}
