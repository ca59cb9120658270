using RoleplayHub.Providers.Ai.OpenAi;

namespace RoleplayHub.Tests.Unit;

public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("x", "upstream exploded", "upstream exploded")]                         // inside a word: an ordinary word
    [InlineData("x", "bad key x.", "bad key ***.")]
    [InlineData("sk-abc123", "Incorrect API key provided: sk-abc123.", "Incorrect API key provided: ***.")]
    [InlineData("sk-abc123", "key 'sk-abc123' and again \"sk-abc123\"", "key '***' and again \"***\"")]
    [InlineData("sk-abc123", "sk-abc123", "***")]
    [InlineData("sk-abc123", "sk-abc1234 is another key", "sk-abc1234 is another key")] // a longer token is not the secret
    [InlineData("abc", "the key abc_def is not abc", "the key abc_def is not ***")]
    [InlineData("", "nothing to hide", "nothing to hide")]
    [InlineData("a+b(c", "key a+b(c rejected", "key *** rejected")]                      // regex characters are literal
    public void OnlyTheWholeSecretIsMasked(string secret, string text, string expected)
    {
        var masked = SecretMask.Apply(text, secret);

        Assert.Equal(expected, masked);
    }
}
