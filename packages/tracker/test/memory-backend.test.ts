import { describeTrackerSuite } from './support/describe-tracker-suite.js';

describeTrackerSuite('in-memory', () => 'memory');
