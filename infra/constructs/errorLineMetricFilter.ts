import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface ErrorLineMetricFilterProps {
  readonly logGroup: logs.ILogGroup;
  /** The JSON logger's `message` of the lines to count. */
  readonly message: string;
  readonly metricNamespace: string;
  readonly metricName: string;
}

/**
 * Counts a function's error lines with one message: the JSON logger writes
 * {"level":"error",...,"message":"<message>",...}, and each such line adds 1 to the metric.
 */
export function errorLineMetricFilter(scope: Construct, id: string, props: ErrorLineMetricFilterProps): logs.MetricFilter {
  return new logs.MetricFilter(scope, id, {
    logGroup: props.logGroup,
    filterPattern: logs.FilterPattern.all(
      logs.FilterPattern.stringValue('$.level', '=', 'error'),
      logs.FilterPattern.stringValue('$.message', '=', props.message),
    ),
    metricNamespace: props.metricNamespace,
    metricName: props.metricName,
    metricValue: '1',
    unit: cloudwatch.Unit.COUNT,
  });
}
