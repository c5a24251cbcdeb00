/** Scenario rows: answers the node cannot turn into a result. */
import { ADA, ALAN, at, byId, GRACE, inOrder, STRANGER } from '../cast.ts';
import { DELETE, failed, NOT_THE_API, override } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: 'a 422 lists the fields in plain words and never shows the echoed key',
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: {
			faults: override(422, {
				detail: [
					{
						type: 'uuid_parsing',
						loc: ['body', 'user_id'],
						msg: 'Input should be a valid UUID',
						input: 'x',
					},
					{
						type: 'missing',
						loc: ['body', 'reason'],
						msg: 'Field required',
						input: { api_key: '{apiKey}' },
					},
				],
			}),
		},
		expected: {
			main: inOrder({
				error: 'ProductBridge rejected the request as invalid',
				message: 'user_id: Input should be a valid UUID; reason: Field required',
			}),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'answers that echo the key (422, 400, an HTML 418) fail on the error output, redacted, not retried',
		e2e: true,
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'continueErrorOutput',
		items: [
			{ ticket: 'HR-701', user_id: ADA.user_id },
			{ ticket: 'HR-702', user_id: GRACE.user_id },
			{ ticket: 'HR-703', user_id: ALAN.user_id },
		],
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 422,
						times: 1,
						body: {
							detail: [
								{
									type: 'uuid_parsing',
									loc: ['body', 'user_id'],
									msg: 'Input should be a valid UUID',
									input: { api_key: '{apiKey}', user_id: ADA.user_id },
								},
							],
						},
					},
					{
						path: '/users/delete',
						status: 400,
						times: 1,
						body: { detail: { error: 'api_key {apiKey} may not remove this user' } },
					},
					{
						path: '/users/delete',
						status: 418,
						times: 1,
						body: `<html><body>Request was {"api_key": "{apiKey}", "user_id": "${ALAN.user_id}"}</body></html>`,
					},
				],
			},
		},
		expected: {
			main: [],
			error: [
				at(
					0,
					failed(
						{ ticket: 'HR-701', user_id: ADA.user_id },
						'ProductBridge rejected the request as invalid',
						'user_id: Input should be a valid UUID',
					),
				),
				at(
					1,
					failed(
						{ ticket: 'HR-702', user_id: GRACE.user_id },
						'ProductBridge refused the request (HTTP 400): api_key [redacted] may not remove this user',
						'ProductBridge says: api_key [redacted] may not remove this user',
					),
				),
				at(
					2,
					failed(
						{ ticket: 'HR-703', user_id: ALAN.user_id },
						NOT_THE_API(418),
						contains(
							`It answered: text/plain (150 bytes), "<html><body>Request was {"api_key": "[redacted]", "user_id": "${ALAN.user_id}"}`,
						),
					),
				),
			],
		},
		effects: {
			requests: { 'users/delete': 3 },
			statuses: { '422': 1, '400': 1, '418': 1 },
			removed: [],
		},
	},
	{
		name: 'a 400 passes on its reason',
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(400, { detail: { error: 'user is the organization owner' } }) },
		expected: {
			main: inOrder({
				error: 'ProductBridge refused the request (HTTP 400): user is the organization owner',
				message: 'ProductBridge says: user is the organization owner',
			}),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a 200 without {"success": true} is a configuration fault, never a silent success',
		node: DELETE,
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(200, { ok: true }) },
		expected: {
			main: [],
			error: [at(0, failed({ user_id: ADA.user_id }, NOT_THE_API(200), contains('{"ok":true}')))],
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: "a proxy's HTML 404 is not a 'not found' user",
		node: DELETE,
		onError: 'continueErrorOutput',
		items: byId(STRANGER),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 404,
						body: '<html><h1>404 Not Found</h1></html>',
						headers: { 'content-type': 'text/html' },
					},
				],
			},
		},
		expected: {
			main: [],
			error: [at(0, failed({ user_id: STRANGER }, NOT_THE_API(404), contains('text/html')))],
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
];
