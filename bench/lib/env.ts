// Imported first by bench/run.ts: quiet the AWS SDK's Node-version notice, which would fill the table's output.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
export {};
