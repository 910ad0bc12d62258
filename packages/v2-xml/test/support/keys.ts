/** The API key of docs/protocol/vectors. */
export const TEST_API_KEY = '192006250b4c09247ec02edce69f6a2d';
export const TEST_APP_ID = 'wx2421b1c4370ec43b';
export const TEST_MCH_ID = '10000100';
