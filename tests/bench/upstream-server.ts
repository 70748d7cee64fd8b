// The benchmark's upstream: the mock OpenAI server in its own process, printing its URL.
import { startMockOpenAI } from '../helpers/mock-openai.js';

const upstream = await startMockOpenAI({ record: false });
process.stdout.write(`${upstream.url}\n`);
