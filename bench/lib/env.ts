// Imported first by bench/run.ts: quiet the AWS SDK's Node-version notice, which would fill the table's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
export {};
