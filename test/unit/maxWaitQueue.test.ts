/** Max Wait for Rate Limits bounds waits for 'not yet', never the normal wait for a turn in the window. */
import type { IDataObject } from 'n8n-workflow';

import { router } from '../../nodes/ProductBridge/actions/router.ts';
import { answer, stubbedRun } from '../support/stubbedN8n.ts';

const DELETED = answer(200, { success: true });
const ids = Array.from(
	{ length: 8 },
	(_, i) => `3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a${String(i).padStart(2, '0')}`,
);

function params(maxRateLimitWait: number): IDataObject {
	return {
		resource: 'user',
		operation: 'delete',
		identifyBy: 'userId',
		userId: '={{ $json.user_id }}',
		onNotFound: 'continue',
		options: { concurrency: 8, maxRateLimitWait },
	};
}

describe('Max Wait for Rate Limits against a healthy API, eight items at once', () => {
	it.each([0, 300])('at %i s: every item waits its turn and is deleted', async (wait) => {
		const stubbed = stubbedRun({
			answers: ids.map(() => DELETED),
			items: ids.map((user_id) => ({ user_id })),
			parameters: params(wait),
			continueOnFail: true,
		});
		const [items] = await router.call(stubbed.context);
		const summary = items.map(
			(item) => (item.json.error as string | undefined) ?? item.json.status,
		);
		expect(summary).toEqual(ids.map(() => 'deleted'));
	});
});
