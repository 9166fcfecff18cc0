/** The web app's stack (aws profile): CloudFront in front of the app's bucket and of the API, one origin for both. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { WebDistribution } from '../constructs/web-distribution';

export interface WebStackProps extends StackProps {
  config: DeploymentConfig;
  api: apigw.RestApi;
}

export class WebStack extends Stack {
  readonly web: WebDistribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.web = new WebDistribution(this, 'Web', { api: props.api, removalPolicy: props.config.removalPolicy });
    new CfnOutput(this, 'WebUrl', {
      value: this.web.url,
      description: 'The web app, and the API on the same origin (/api/*, /fhir/*, /.well-known/*)',
    });
  }
}
