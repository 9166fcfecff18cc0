// Imported first by bench/run.ts: quiet kafkajs's partitioner notice, which would fill the table's output.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
export {};
