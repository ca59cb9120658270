// The official Alibaba Cloud SDKs — alibabacloud-nls (token + real-time transcription) and ali-oss (V1 and V4
// signatures, presigned URLs) — run against RoleplayHub's fake Aliyun services, to show the fakes answer the real
// clients the way the real service does. Prints one JSON summary line; exits non-zero on any failure.
//   node aliyun-sdks.mjs --token-url URL --gateway URL --oss URL --akid ID --secret SECRET --appkey KEY
//                        --bucket NAME --region cn-hangzhou --audio FILE.pcm
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const Nls = require("alibabacloud-nls");
// lib/token.js is not exported by the package; this is its code, with pop-core resolved as the SDK resolves it.
const { RPCClient } = createRequire(require.resolve("alibabacloud-nls"))("@alicloud/pop-core");
const getToken = ({ akid, akkey, endpoint }) =>
  new RPCClient({ accessKeyId: akid, accessKeySecret: akkey, endpoint, apiVersion: "2019-02-28" }).request("CreateToken");
const OSS = require("ali-oss");

const { values: a } = parseArgs({
  options: Object.fromEntries(["token-url", "gateway", "oss", "akid", "secret", "appkey", "bucket", "region", "audio"].map(k => [k, { type: "string" }])),
});
const summary = {};

// 1. CreateToken through @alicloud/pop-core, as the NLS SDK does it.
const reply = await getToken({ akid: a.akid, akkey: a.secret, endpoint: a["token-url"] });
summary.token = { id: reply.Token.Id, expireTime: reply.Token.ExpireTime };

// 2. A SpeechTranscriber task: start, audio frames, stop; sentence and completion events.
const st = new Nls.SpeechTranscription({ url: a.gateway.replace(/^http/, "ws") + "/ws/v1", appkey: a.appkey, token: reply.Token.Id });
const events = [];
const sentences = [];
for (const name of ["started", "changed", "begin", "end", "completed", "failed"]) {
  st.on(name, msg => {
    events.push(name);
    if (name === "end") sentences.push(JSON.parse(msg).payload.result);
  });
}
await st.start(st.defaultStartParams(), true, 6000);
const audio = await readFile(a.audio);
for (let offset = 0; offset < audio.length; offset += 3200) {
  if (!st.sendAudio(audio.subarray(offset, offset + 3200))) throw new Error("sendAudio refused");
  await new Promise(resolve => setTimeout(resolve, 2));
}
await st.close();
summary.transcription = { events: [...new Set(events)], sentences };

// 3. ali-oss: put/get with V1 and V4 header signatures, then V1 and V4 presigned URLs fetched without credentials.
const body = Buffer.from("roleplayhub " + Date.now());
for (const v4 of [false, true]) {
  const client = new OSS({
    accessKeyId: a.akid, accessKeySecret: a.secret, bucket: a.bucket, region: "oss-" + a.region,
    // a host name, not an IP: ali-oss refuses to presign URLs for IP endpoints
    endpoint: a.oss.replace("127.0.0.1", "localhost"), sldEnable: true, authorizationV4: v4, secure: false,
  });
  const key = `sdk/${v4 ? "v4" : "v1"} object.txt`;
  const put = await client.put(key, body);
  const got = await client.get(key);
  const url = v4 ? await client.signatureUrlV4("GET", 600, undefined, key) : client.signatureUrl(key, { expires: 600 });
  const fetched = await fetch(url);
  const text = await fetched.text();
  summary[v4 ? "ossV4" : "ossV1"] = {
    putStatus: put.res.status, getEquals: got.content.equals(body), presignedStatus: fetched.status, presignedEquals: text === body.toString(),
  };
}

console.log(JSON.stringify(summary));
