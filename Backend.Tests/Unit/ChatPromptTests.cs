using Microsoft.Extensions.Options;
using RoleplayHub.Providers;
using RoleplayHub.Providers.Ai;
using RoleplayHub.Providers.Ai.OpenAi;

namespace RoleplayHub.Tests.Unit;

/// <summary>What the LLM sees: the bounded history window, its summary line, and the settings checks.</summary>
public sealed class ChatPromptTests
{
    private static readonly Scenarios.ScenarioVariant Variant = ScriptedEngineTests.Load("history-detective").Variants["en-US"];

    [Fact]
    public void OldExchangesLeaveTheWindowAndLeaveASummaryOfWhatTheTraineeSaid()
    {
        var prompt = Converse(historyTurns: 2, historyTokens: 3_000, turns: 5);

        var messages = prompt.Build(new AiTurn(6, 10, "Who did it?"));

        Assert.Equal([PromptRole.System, PromptRole.User, PromptRole.Assistant, PromptRole.User, PromptRole.Assistant, PromptRole.User], messages.Select(m => m.Role));
        Assert.Equal(["question 4", "answer 4", "question 5", "answer 5", "Who did it?"], messages.Skip(1).Select(m => m.Text));
        Assert.Contains("Earlier in this conversation (4 older exchanges are not shown), the trainee said: \"question 1\"; \"question 2\"; \"question 3\".", messages[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTokenBudgetBoundsTheHistoryEvenWithinTheTurnWindow()
    {
        var prompt = new ChatPrompt(Variant, historyTurns: 12, historyTokens: 100);
        prompt.Commit(new AiTurn(0, 10, ""), Variant.OpeningLine);
        prompt.Commit(new AiTurn(1, 10, new string('x', 300)), "a long answer " + new string('y', 100)); // ~105 tokens
        prompt.Commit(new AiTurn(2, 10, "short"), "short answer");

        var messages = prompt.Build(new AiTurn(3, 10, "and now?"));

        Assert.Equal(["short", "short answer", "and now?"], messages.Skip(1).Select(m => m.Text));
        Assert.Contains("2 older exchanges are not shown", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains("xxxxxxxx…", messages[0].Text, StringComparison.Ordinal); // a long utterance is clipped
    }

    [Fact]
    public void TheOpeningLineFollowsAStandInUserMessageAndARetriedTurnReplacesItsExchange()
    {
        var prompt = new ChatPrompt(Variant, 12, 3_000);
        prompt.Commit(new AiTurn(0, 10, ""), Variant.OpeningLine);
        prompt.Commit(new AiTurn(1, 10, "hello"), "first try");
        prompt.Commit(new AiTurn(1, 10, "hello"), "second try");

        var messages = prompt.Build(new AiTurn(2, 10, "next"));

        Assert.Equal(["(The trainee joins the conversation.)", Variant.OpeningLine, "hello", "second try", "next"], messages.Skip(1).Select(m => m.Text));
        Assert.DoesNotContain("Earlier in this conversation", messages[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hello there", 3)]
    [InlineData("你好，我是李薇", 7)]
    [InlineData("", 0)]
    public void TokensAreEstimatedPerHanCharacterAndPerFourOtherCharacters(string text, int tokens) =>
        Assert.Equal(tokens, ChatPrompt.ApproximateTokens(text));

    [Fact]
    public void AnLlmWithoutAModelOrWithABadUrlIsRefusedAtStartUpWithTheKeysToFix()
    {
        var options = new OpenAiChatOptions { BaseUrl = "api.openai.com", Temperature = 3, MaxTokensField = "max" };
        options.Profiles["mini"] = new OpenAiModelProfile { Model = "m", BaseUrl = "ftp://example.com" };
        options.Profiles["bad name!"] = new OpenAiModelProfile { Model = "m" };

        var result = Validator("openai").Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Ai:OpenAi:Model is required when Ai:Provider=openai", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:OpenAi:BaseUrl must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:Profiles:mini:BaseUrl must be an absolute http(s) URL", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:Profiles:bad name!: a profile name is", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:Profiles:bad name!:MaxTokensField must be one of", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:Profiles:bad name!:Temperature must be between 0 and 2", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutsMustBePositiveAndTheFirstTokenMustBeExpectedBeforeTheWholeReplyTimesOut()
    {
        var options = new OpenAiChatOptions { Model = "m", FirstTokenTimeout = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.Zero };

        var result = Validator("openai").Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Ai:OpenAi:StallTimeout must be positive", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Ai:OpenAi:FirstTokenTimeout must be shorter than Ai:Timeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(Validator("openai").Validate(null, new OpenAiChatOptions { Model = "m" }).Succeeded); // the defaults are valid
    }

    [Fact]
    public void TheLlmSettingsAreNotCheckedWhenAnotherProviderIsChosen() =>
        Assert.True(Validator("scripted").Validate(null, new OpenAiChatOptions()).Succeeded);

    [Theory]
    [InlineData("http://127.0.0.1:11434/v1", true)]
    [InlineData("http://localhost:8000/v1", true)]
    [InlineData("http://ollama:11434/v1", true)]
    [InlineData("http://192.168.1.20:8000/v1", true)]
    [InlineData("http://gpu-box.lan/v1", true)]
    [InlineData("https://api.deepseek.com/v1", false)]
    [InlineData("http://8.8.8.8/v1", false)]
    public void EndpointsOnThisMachineOrAPrivateNetworkCountAsLocal(string url, bool local) =>
        Assert.Equal(local, ChatModelProfiles.IsLocal(new Uri(url)));

    private static ChatPrompt Converse(int historyTurns, int historyTokens, int turns)
    {
        var prompt = new ChatPrompt(Variant, historyTurns, historyTokens);
        prompt.Commit(new AiTurn(0, 10, ""), Variant.OpeningLine);
        for (var turn = 1; turn <= turns; turn++)
        {
            prompt.Commit(new AiTurn(turn, 10, $"question {turn}"), $"answer {turn}");
        }

        return prompt;
    }

    private static ValidateOpenAiChatOptions Validator(string provider) => new(Options.Create(new AiOptions { Provider = provider }));
}
