/* eslint-disable @n8n/community-nodes/require-node-api-error -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { canonicalUuid, requireUserId } from '../../nodes/ProductBridge/helpers/validation.ts';

const node: INode = {
	id: 'pb',
	name: 'ProductBridge',
	type: 'n8n-nodes-productbridge.productBridge',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const failureOf = (value: unknown, itemIndex = 4): NodeOperationError => {
	try {
		requireUserId(node, itemIndex, value);
	} catch (error) {
		if (error instanceof NodeOperationError) return error;
		throw error;
	}
	throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
};

describe('user id', () => {
	it('accepts any UUID in any case, with or without hyphens, trimmed', () => {
		expect(requireUserId(node, 0, ' 3F2A8C1E-4B5D-4E6F-9A0B-1C2D3E4F5A6B\n')).toBe(
			'3F2A8C1E-4B5D-4E6F-9A0B-1C2D3E4F5A6B',
		);
		expect(requireUserId(node, 0, '3f2a8c1e4b5d4e6f9a0b1c2d3e4f5a6b')).toBe(
			'3f2a8c1e4b5d4e6f9a0b1c2d3e4f5a6b',
		);
		// No version or variant is assumed: Pydantic accepts any 32 hex digits.
		expect(requireUserId(node, 0, '00000000-0000-0000-0000-000000000000')).toBe(
			'00000000-0000-0000-0000-000000000000',
		);
	});

	it.each([undefined, null, '', '   '])('fails the item when the id is missing (%p)', (value) => {
		const error = failureOf(value);
		expect(error.message).toBe('No user ID [item 4]');
		expect(error.context.itemIndex).toBe(4);
	});

	it('shows the offending value and names the item', () => {
		expect(failureOf('bb3c3ef8-b8cd-cd15-01ba-useruser0001', 2).message).toBe(
			"'bb3c3ef8-b8cd-cd15-01ba-useruser0001' is not a valid user ID [item 2]",
		);
	});

	it('shortens a long value', () => {
		const message = failureOf('x'.repeat(500)).message;
		expect(message).toContain(`'${'x'.repeat(60)}…'`);
		expect(message.length).toBeLessThan(120);
	});

	it.each([
		[42, 'number 42'],
		[{ id: 'a' }, 'object {"id":"a"}'],
		[['3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b'], 'object ["3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b"]'],
	])('refuses a non-string id (%p)', (value, shown) => {
		expect(failureOf(value).message).toBe(`The user ID must be text, got ${shown} [item 4]`);
	});

	it('gives every spelling of one id the same canonical form', () => {
		const canonical = '3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b';
		expect(canonicalUuid('3F2A8C1E4B5D4E6F9A0B1C2D3E4F5A6B')).toBe(canonical);
		expect(canonicalUuid('3F2A8C1E-4B5D-4E6F-9A0B-1C2D3E4F5A6B')).toBe(canonical);
	});
});
