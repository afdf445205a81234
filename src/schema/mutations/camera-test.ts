import { requireScope } from '../../control.js';
import { NotSupportedError } from '../../errors.js';
import { checkCameraInput } from '../../input.js';
import { sourceFromArg } from '../../lookup.js';
import { CAMERA_TEST_PROBLEMS, type CameraTestResult } from '../../model.js';
import { builder } from '../builder.js';
import { MUTATION_ERRORS } from '../errors.js';

const CameraTestProblemEnum = builder.enumType('CameraTestProblem', {
  description: 'CREDENTIALS_REFUSED: the camera answered but refused the username and password; UNREACHABLE: nothing gave a picture at that host, port and path',
  values: CAMERA_TEST_PROBLEMS,
});

const CameraTestInput = builder.inputType('CameraTestInput', {
  description: 'the camera as addCamera would describe it; every field is checked before anything is sent',
  fields: (t) => ({
    externalHost: t.string({ required: true, description: 'host name or IPv4 address, no scheme, port or path' }),
    externalHttpPort: t.int({ description: '1 to 65535; 80 when absent' }),
    jpgUrl: t.string({ required: true, description: 'the snapshot path on the camera, starting with "/"' }),
    username: t.string(),
    password: t.string({ description: 'sent to the vendor for the test only: never in a response or log' }),
  }),
});

const TestCameraSuccess = builder.objectRef<CameraTestResult>('TestCameraSuccess').implement({
  fields: (t) => ({
    ok: t.boolean({ description: 'the vendor got a picture from the camera with these settings', resolve: (r) => r.ok }),
    problem: t.field({ type: CameraTestProblemEnum, nullable: true, resolve: (r) => r.problem }),
    reason: t.string({ nullable: true, description: "why the test failed, in the vendor's own words", resolve: (r) => r.reason }),
  }),
});

/** Camera test (Evercam): the vendor, never avgraph, contacts the camera. */
builder.mutationField('testCamera', (t) =>
  t.field({
    type: TestCameraSuccess,
    errors: { types: MUTATION_ERRORS, directResult: true },
    description: 'has the vendor fetch a picture from a camera with these settings, to check them before addCamera; scope admin',
    args: { sourceId: t.arg.id({ required: true }), input: t.arg({ type: CameraTestInput, required: true }) },
    resolve: async (_r, args, ctx) => {
      requireScope(ctx, 'admin');
      checkCameraInput(args.input);
      const source = sourceFromArg(ctx, String(args.sourceId));
      if (!source.cameras) throw new NotSupportedError(`${source.vendor} sources do not support testing cameras`);
      return source.cameras.test(args.input);
    },
  }),
);
