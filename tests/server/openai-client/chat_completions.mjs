// SPDX-License-Identifier: MIT
// The official openai client against a running bitnet-server: the model list, a
// chat completion, the same one streamed, and a wrong key. Started by
// tests/server/test_openai_client.cpp with BITNET_SERVER_BASE_URL and
// BITNET_SERVER_API_KEY; exits non-zero (an assertion's message on stderr) when
// the server says something the client or these checks do not accept.
import assert from "node:assert/strict";
import OpenAI from "openai";

const baseURL = process.env.BITNET_SERVER_BASE_URL;
const apiKey = process.env.BITNET_SERVER_API_KEY;
assert.ok(baseURL && apiKey, "BITNET_SERVER_BASE_URL and BITNET_SERVER_API_KEY must be set");

// No retries: a failure should show as the first error, not be retried away.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });

const models = await client.models.list();
assert.equal(models.data.length, 1, "one model is listed");
const model = models.data[0].id;

const maxTokens = 24;
const request = {
  model,
  messages: [
    { role: "system", content: "You tell short stories." },
    { role: "user", content: "Tell me a story about a cat." },
  ],
  max_tokens: maxTokens,
  temperature: 0,
};

const plain = await client.chat.completions.create(request);
assert.equal(plain.object, "chat.completion");
assert.equal(plain.choices.length, 1);
const choice = plain.choices[0];
assert.equal(choice.message.role, "assistant");
assert.ok(choice.message.content.length > 0, "the completion has content");
assert.ok(["stop", "length"].includes(choice.finish_reason), `finish_reason ${choice.finish_reason}`);
const usage = plain.usage;
assert.ok(usage.prompt_tokens > 0, "prompt_tokens counted");
assert.ok(usage.completion_tokens > 0 && usage.completion_tokens <= maxTokens, `completion_tokens ${usage.completion_tokens}`);
assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
if (choice.finish_reason === "length") assert.equal(usage.completion_tokens, maxTokens);

const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
let text = "";
let chunks = 0;
let finish = null;
let streamUsage = null;
for await (const chunk of stream) {
  assert.equal(chunk.object, "chat.completion.chunk");
  ++chunks;
  if (chunk.usage) streamUsage = chunk.usage;
  if (chunk.choices.length === 0) continue;
  text += chunk.choices[0].delta.content ?? "";
  if (chunk.choices[0].finish_reason) finish = chunk.choices[0].finish_reason;
}
// Reaching this line means the client saw the stream end.
assert.ok(chunks >= 3, `only ${chunks} chunks`);
assert.ok(text.length > 0, "the streamed chunks have content");
assert.equal(text, choice.message.content, "greedy: streamed text equals the whole completion");
assert.equal(finish, choice.finish_reason);
assert.deepEqual(streamUsage, usage);

const wrong = new OpenAI({ baseURL, apiKey: apiKey + "-wrong", maxRetries: 0 });
await assert.rejects(wrong.chat.completions.create(request), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);

console.log(`openai client ok: ${usage.completion_tokens} tokens, ${chunks} chunks, finish_reason ${finish}`);
