/**
 * The one zod import of the functions (`import * as z from '../commons/zod'`): zod/mini,
 * zod 4's tree-shakable API. Same core, schemas, messages and JSON Schema as the classic API, but a bundle keeps
 * only the parts it uses (~30 KB instead of ~445 KB). Re-exported with `export *` and imported as a namespace
 * whose members are only read, so esbuild can still drop what is unused. Unlike the classic API it sets no
 * locale, so the English messages are configured here, once.
 */
import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

config(en());

export * from 'zod/mini';
