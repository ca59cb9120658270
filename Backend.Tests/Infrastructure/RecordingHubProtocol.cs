using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace RoleplayHub.Tests.Infrastructure;

/// <summary>
/// A connection's hub protocol (JSON or MessagePack, unchanged on the wire) that hands every server → client
/// invocation to <paramref name="record"/> as the client parses it. Parsing happens in the client's receive loop, in
/// wire order with the completions of the test's own calls; the client's <c>On</c> handlers run later, on a loop of
/// their own. Recording here keeps what the server guarantees: an event it sent before completing a call has been
/// recorded by the time that call returns to the test, so "no error event" right after a call means none was sent.
/// </summary>
internal sealed class RecordingHubProtocol(IHubProtocol inner, Action<InvocationMessage> record) : IHubProtocol
{
    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        if (message is InvocationMessage invocation)
        {
            record(invocation);
        }

        return true;
    }
}
