#!/usr/bin/env node
/** `cdk synth` / `cdk deploy`: the Patient Management System. Settings: see infra/config.ts. */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../app';

const app = new App();
buildApp(app, { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } });
app.synth();
