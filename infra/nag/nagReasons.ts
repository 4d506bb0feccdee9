/**
 * Why each cdk-nag (AwsSolutions) finding that is not fixed is acknowledged. One place, so a review
 * reads every exception together; each is applied to the resources it concerns only (see where
 * each is used), never to a whole stack.
 */
export const NAG_REASONS = {
  lambdaBasicExecutionRole:
    'AWSLambdaBasicExecutionRole is CDK\'s default for a function\'s own logging: logs:CreateLogGroup, CreateLogStream and PutLogEvents, write-only. ' +
    'Each function logs to its own group (PerimeterFunction); replacing the policy would mean a hand-written role per function for no reduction in what can be read.',
  xrayWildcard:
    'Resource "*" is reached only by actions without resource-level permissions: X-Ray\'s xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), ' +
    'and scheduler:ListSchedules for the functions that list pending jobs (GET /admin/scheduled; its schedule group is a request parameter, not a resource). ' +
    'test/infra asserts that no other action reaches "*".',
  lambdaRuntime:
    'Node.js 22 is pinned on purpose (the bundle targets node22, CI and local mode run it; Lambda supports it until its deprecation in 2027). ' +
    'Moving to the next runtime is a deliberate change to PerimeterFunction and the bundle target, tested, not a side effect of a CDK upgrade.',
  kmsDataKeyActions:
    'kms:GenerateDataKey* and kms:ReEncrypt* are CDK\'s grantEncryptDecrypt on the one data key (DynamoDB, SQS and S3 SSE with a customer key need data keys); no other key.',
  tableIndexes:
    'The table\'s own global secondary indexes (<table ARN>/index/*), which CDK\'s table grants add: the auditor\'s queries by app and time and the directory lookups read them.',
  perimeterSecrets:
    'Secrets Manager has no prefix grant: "perimeter/*-??????" is every secret named under perimeter/ (the operator creates them; the name is the config\'s reference) and nothing else. ' +
    'The stack refuses at synth time a config naming a secret outside it.',
  jobSchedules:
    'One-time jobs are schedules with generated names in the Perimeter jobs group: schedule/<jobs group>/* is that group only; the recurring schedules (default group) are out of reach.',
  functionVersions:
    'CDK\'s grantInvoke adds <function ARN>:* so that EventBridge Scheduler may invoke the function\'s versions and aliases: the one function only.',
  archiveObjects:
    'Retention writes one object per run and chain under ledger-archive/ (names are run ids): <bucket ARN>/ledger-archive/* is that prefix only, and s3:Abort* (grantPut) lets it abandon a failed multipart upload. ' +
    'It may never read, delete or unlock an object.',
  apiRequestValidation:
    'Every route is a Lambda proxy (ANY on /scim/v2, /admin) whose function validates its own input and answers in its protocol\'s error format (SCIM errors, webhook signature checks first); ' +
    'a gateway request validator would answer with its own body, which SCIM clients cannot read, and there are no models to validate against.',
  apiAuthorization:
    'Authentication is in the functions, by bearer token: SCIM clients (Okta, Entra ID) and HR systems send static bearer tokens or signed webhooks, not Cognito or IAM credentials; ' +
    'each function checks the token against its own hashed token secret before it routes, and the console serves only public static files.',
  apiGatewayCloudWatchRole:
    'AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS documents for the regional API Gateway account role that REST API access and execution logging requires; API Gateway alone assumes it.',
  archiveAccessLogs:
    'S3 refuses an Object Lock bucket as a server access log destination and a second bucket would be one more retained resource; who read or wrote archive objects is what CloudTrail S3 data events record.',
  tokenSecretRotation:
    'Holds SHA-256 hashes of bearer tokens the operator issues (npm run perimeter -- token new), not a credential Secrets Manager could rotate: a token is rotated by adding a new hash and retiring the old one (notAfter, or removing it).',
} as const;
