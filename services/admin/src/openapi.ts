/**
 * The OpenAPI 3.1 document of `/api/v1`, served beside it at `/api/v1/openapi.json`. It is kept
 * next to the model in `api-model.ts`; the tests check live replies against these schemas.
 */
import { SERVER_ID } from './config.js';

const str = { type: 'string' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'], minimum: 0 } as const;

const errorResponse = {
  description: 'An error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/** The document, as a plain object. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'PenguinCast station API',
    version: '1.0.0',
    description:
      "A typed alternative to Icecast's /status-json.xsl: collections are always arrays, numbers " +
      'are numbers and titles are strings. Server: ' +
      SERVER_ID,
  },
  servers: [{ url: '/api/v1' }],
  paths: {
    '/station': {
      get: {
        operationId: 'getStation',
        summary: 'The station and its totals',
        responses: {
          '200': {
            description: 'The station',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['station'],
                  properties: { station: { $ref: '#/components/schemas/Station' } },
                },
              },
            },
          },
          '503': errorResponse,
        },
      },
    },
    '/mounts': {
      get: {
        operationId: 'listMounts',
        summary: 'Every public live mount, with what a listener joining now hears',
        responses: {
          '200': {
            description: 'Live mounts (an empty array when none)',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['mounts'],
                  properties: {
                    mounts: { type: 'array', items: { $ref: '#/components/schemas/Mount' } },
                  },
                },
              },
            },
          },
          '503': errorResponse,
        },
      },
    },
    '/mounts/{mount}/listeners': {
      get: {
        operationId: 'listListeners',
        summary: 'The listeners of one mount over every edge (admin credentials)',
        security: [{ basic: [] }],
        parameters: [
          {
            name: 'mount',
            in: 'path',
            required: true,
            description: 'The mount name without its leading slash, or percent-encoded with it',
            schema: str,
          },
        ],
        responses: {
          '200': {
            description: 'Listeners (an empty array when none)',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['mount', 'listeners'],
                  properties: {
                    mount: str,
                    listeners: { type: 'array', items: { $ref: '#/components/schemas/Listener' } },
                  },
                },
              },
            },
          },
          '400': errorResponse,
          '401': { description: 'Admin credentials required' },
          '404': errorResponse,
        },
      },
    },
  },
  components: {
    securitySchemes: { basic: { type: 'http', scheme: 'basic' } },
    schemas: {
      Station: {
        type: 'object',
        required: [
          'name',
          'admin',
          'location',
          'host',
          'port',
          'serverId',
          'serverStart',
          'uptimeSeconds',
          'listeners',
          'listenerPeak',
          'sources',
        ],
        properties: {
          name: str,
          admin: str,
          location: str,
          host: str,
          port: int,
          serverId: str,
          serverStart: { type: 'string', format: 'date-time' },
          uptimeSeconds: int,
          listeners: int,
          listenerPeak: int,
          sources: int,
        },
      },
      Mount: {
        type: 'object',
        required: [
          'mount',
          'listenUrl',
          'playerUrl',
          'listeners',
          'listenerPeak',
          'maxListeners',
          'nowPlaying',
          'latestTitle',
          'name',
          'description',
          'genre',
          'url',
          'contentType',
          'bitrateKbps',
          'audioInfo',
          'public',
          'streamStart',
          'uptimeSeconds',
          'fallback',
        ],
        properties: {
          mount: str,
          listenUrl: str,
          playerUrl: str,
          listeners: int,
          listenerPeak: int,
          maxListeners: nullableInt,
          nowPlaying: {
            type: 'string',
            description: 'The title at the burst start: what a listener joining now hears first',
          },
          latestTitle: { type: 'string', description: 'The newest title the source set' },
          name: nullableStr,
          description: nullableStr,
          genre: nullableStr,
          url: { type: ['string', 'null'], description: 'Only http and https URLs are given' },
          contentType: str,
          bitrateKbps: nullableInt,
          audioInfo: nullableStr,
          public: { type: 'boolean' },
          streamStart: { type: 'string', format: 'date-time' },
          uptimeSeconds: int,
          fallback: nullableStr,
        },
      },
      Listener: {
        type: 'object',
        required: ['id', 'ip', 'userAgent', 'referer', 'connectedSeconds', 'bytesSent', 'lagBytes'],
        properties: {
          id: str,
          ip: str,
          userAgent: nullableStr,
          referer: nullableStr,
          connectedSeconds: int,
          bytesSent: int,
          lagBytes: nullableInt,
        },
      },
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: str, message: str },
          },
        },
      },
    },
  },
} as const;
