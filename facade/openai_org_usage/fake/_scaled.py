"""A generated organization of any size: teams, shared service keys, heavy users, batch jobs.

The small demo organization is hand-made (:func:`._org.build_organization`); every other size
(:class:`._sizes.OrgSize`) is generated here from the seed, in time linear in its size:

- Projects have heavy-tailed team sizes (a few big teams, many small ones) and a timezone
  each. Every project has at least one user and one API key; a few users work in two.
- Users' traffic is Pareto-distributed (shape 1.15): most users send a few requests a day, a
  few send thousands, so a few percent of the users carry most of the spend. Light users are
  not active every day.
- Service accounts own project keys; those keys are shared: many users' streams go through
  them (a service acting for its users), and they run the batch jobs, some nightly (their day
  peaks in the project's night), some at month end (the last two days of each month only).
- Each project uses a few chat models, the popular ones more often; some projects also use
  embeddings, moderations, images, speech, transcription, vector stores, file search, code
  interpreter, web search and the Decisions API.

Only ``random()`` of a ``random.Random`` seeded from the seed is used, so the organization is
the same on every Python.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

from . import _prices as P
from ._hashing import mix64
from ._org import (
    AUDIO_MODEL,
    DAY0,
    Builder,
    Organization,
    TokenStream,
    Topology,
    api_source,
    build_organization,
    organization_of,
    token_stream,
)
from ._sizes import SMALL, OrgSize

__all__ = ["CHAT_POOL", "OTHER_MODELS", "build_sized_organization"]

CHAT_POOL: Final = (
    "gpt-4o-mini-2024-07-18",
    "gpt-4.1-mini-2025-04-14",
    "gpt-4o-2024-08-06",
    "gpt-5-mini-2025-08-07",
    "gpt-4.1-2025-04-14",
    "o3-mini-2025-01-31",
    "gpt-4.1-nano-2025-04-14",
    "gpt-5-2025-08-07",
    "o4-mini-2025-04-16",
    "gpt-5-nano-2025-08-07",
    "gpt-4o-2024-11-20",
    "o3-2025-04-16",
    "gpt-3.5-turbo-0125",
    "gpt-5.1-2025-11-13",
    "o1-2024-12-17",
    AUDIO_MODEL,
)
"""Chat models a generated organization draws from, most popular first (all priced)."""
EMBEDDING_MODELS: Final = ("text-embedding-3-small", "text-embedding-3-large")
MODERATION_MODELS: Final = ("omni-moderation-latest", "text-moderation-latest")
IMAGE_KINDS: Final = (
    ("dall-e-3", "image.generation", "1024x1024", 1.0),
    ("dall-e-2", "image.edit", "512x512", 2.0),
    ("dall-e-3", "image.generation", "1024x1792", 1.0),
    ("dall-e-2", "image.variation", "256x256", 3.0),
)
SPEECH_MODELS: Final = ("tts-1", "tts-1-hd")
TRANSCRIPTION_MODELS: Final = ("whisper-1", "gpt-4o-mini-transcribe")
OTHER_MODELS: Final = (
    *EMBEDDING_MODELS,
    *MODERATION_MODELS,
    "dall-e-3",
    "dall-e-2",
    *SPEECH_MODELS,
    *TRANSCRIPTION_MODELS,
)
"""The ten models beside the chat models (a generated organization uses them all)."""

_OFFSETS: Final = (-8, -8, -7, -5, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 3, 5, 8, 9, 10)
_PARETO_SHAPE: Final = 1.15
_MAX_WEIGHT: Final = 5000.0
_REQUESTS_PER_WEIGHT: Final = 6.0
_LEVELS: Final = ("low", "medium", "high")


def build_sized_organization(seed: int, size: OrgSize) -> Organization:
    """The organization of ``size`` for ``seed``: the hand-made one for the small size.

    Pure: the same seed and size give the same organization.
    """
    if size == SMALL:
        return build_organization(seed)
    return _Generator(seed, size).build()


@functools.cache
def _tier_priced(model: str, tier: str) -> bool:
    try:
        P.token_price(model, service_tier=tier)
    except LookupError:
        return False
    return True


class _Generator:
    def __init__(self, seed: int, size: OrgSize) -> None:
        self.seed = seed
        self.size = size
        self.rng = random.Random(mix64(seed, 0x5CA1ED, size.projects, size.users, size.keys))
        self.chat: list[list[str]] = []
        """Each project's chat models."""
        self.unused: list[list[str]] = []
        """Each project's chat models no stream uses yet."""
        self.used: list[set[int]] = [set() for _ in range(size.users)]
        """The keys each user's streams go through."""

    def uniform(self) -> float:
        return self.rng.random()

    def pick(self, cumulative: Sequence[float]) -> int:
        """An index drawn with the weights whose running sums are ``cumulative``."""
        return bisect.bisect_right(cumulative, self.uniform() * cumulative[-1])

    def build(self) -> Organization:
        size, uniform = self.size, self.uniform
        n_projects = size.projects
        project_weights = [(0.5 + uniform()) / (p + 1) ** 0.9 for p in range(n_projects)]
        cum_projects = list(itertools.accumulate(project_weights))
        offsets = [_OFFSETS[int(uniform() * len(_OFFSETS))] for _ in range(n_projects)]
        # Users: one per project first, then by team size; some also work in a second one.
        members: list[list[int]] = [[] for _ in range(n_projects)]
        homes: list[list[int]] = []
        for user in range(size.users):
            home = user if user < n_projects else self.pick(cum_projects)
            projects = [home]
            if user >= n_projects and uniform() < 0.08:
                second = self.pick(cum_projects)
                if second != home:
                    projects.append(second)
            for project in projects:
                members[project].append(user)
            homes.append(projects)
        weights = [
            min(_MAX_WEIGHT, (1.0 - uniform()) ** (-1.0 / _PARETO_SHAPE)) for _ in range(size.users)
        ]
        # Keys: one per project first, then by team size.
        key_project = list(range(n_projects)) + [
            self.pick(cum_projects) for _ in range(size.keys - n_projects)
        ]
        project_keys: list[list[int]] = [[] for _ in range(n_projects)]
        for key, project in enumerate(key_project):
            project_keys[project].append(key)
        # Service accounts, and the keys they own (never a project's first key).
        accounts = [self.pick(cum_projects) for _ in range(size.service_accounts)]
        key_account: dict[int, int] = {}
        for account, project in enumerate(accounts):
            for key in project_keys[project][1:]:
                if key not in key_account:
                    key_account[key] = account
                    break
        key_users: list[list[int]] = []
        for key, project in enumerate(key_project):
            team = members[project]
            owner = team[0] if key in key_account else team[int(uniform() * len(team))]
            key_users.append([owner])
        agents = frozenset(k for k in range(size.keys) if uniform() < 0.1)
        chat = self._chat_models(n_projects)
        stores = max(1, n_projects // 2)
        store_project = tuple(int(uniform() * n_projects) for _ in range(stores))
        # Each stream variant's offset: the projects', then theirs twelve hours on (night jobs).
        variants = (*offsets, *((o + 12) % 24 - 12 for o in offsets))
        topology = Topology(
            project_users=tuple(tuple(m) for m in members),
            key_project=tuple(key_project),
            key_users=(),  # filled in below, once the streams say who uses which key
            project_utc_offsets=variants,
            vector_store_project=store_project,
            agents_api_keys=agents,
            service_accounts=tuple(accounts),
            key_service_account=MappingProxyType(key_account),
        )
        b = Builder(self.seed, topology, stores=stores)
        b.rng = self.rng
        # Keys above the hand-made organization's, so no stream shares a small one's data.
        b.counter = 10_000
        shared = [[k for k in keys if k in key_account] for keys in project_keys]
        own: list[dict[int, list[int]]] = [{} for _ in range(size.users)]
        for key, users in enumerate(key_users):
            if key not in key_account:
                own[users[0]].setdefault(key_project[key], []).append(key)
        for user in range(size.users):
            for project in homes[user]:
                keys = own[user].get(project) or project_keys[project]
                self._user_streams(b, user, weights[user], project, keys, shared[project])
        for project, models in enumerate(self.unused):
            # A model no member happened to pick: the project's first member tries it.
            user = members[project][0]
            keys = own[user].get(project) or project_keys[project]
            for model in models:
                spec = TokenStream(keys[0], user, model, False, "default", b.rate(5.0, 50.0))
                token_stream(b, "completions", spec)
                self.used[user].add(keys[0])
        for user, used in enumerate(self.used):
            for key in sorted(used):
                if user not in key_users[key]:
                    key_users[key].append(user)
        self._batch_jobs(b, key_account, key_users, chat, members)
        self._other_usage(b, members, project_keys, chat, store_project)
        b.topology = Topology(
            project_users=topology.project_users,
            key_project=topology.key_project,
            key_users=tuple(tuple(users) for users in key_users),
            project_utc_offsets=variants,
            vector_store_project=store_project,
            agents_api_keys=agents,
            service_accounts=tuple(accounts),
            key_service_account=MappingProxyType(key_account),
        )
        return organization_of(b)

    # -- models ------------------------------------------------------------------------------

    def _chat_models(self, n_projects: int) -> list[list[str]]:
        """Each project's chat models: two to five, popular ones likelier; all of them used."""
        pool = CHAT_POOL[: self.size.models - len(OTHER_MODELS)]
        cum = list(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(pool))))
        chat: list[list[str]] = []
        for _ in range(n_projects):
            wanted = 2 + int(self.uniform() * 4)
            models: list[str] = []
            for _ in range(wanted * 2):
                model = pool[self.pick(cum)]
                if model not in models:
                    models.append(model)
                if len(models) == wanted:
                    break
            chat.append(models)
        for i, model in enumerate(pool):
            project = chat[i % n_projects]
            if not any(model in models for models in chat):
                project.append(model)
        self.chat = chat
        self.unused = [list(models) for models in chat]
        return chat

    def _tier(self, model: str) -> str:
        draw = self.uniform()
        tier = "priority" if draw < 0.05 else "flex" if draw < 0.08 else "default"
        return tier if tier == "default" or _tier_priced(model, tier) else "default"

    # -- streams -----------------------------------------------------------------------------

    def _user_streams(
        self,
        b: Builder,
        user: int,
        weight: float,
        project: int,
        keys: Sequence[int],
        via: Sequence[int],
    ) -> None:
        """The completions of one user in one project, with its keys or the shared ones."""
        uniform = self.uniform
        models = self.chat[project]
        count = 1 + (weight > 3.0) + (weight > 20.0)
        activity = min(1.0, 0.3 + 0.25 * math.log1p(weight))
        unused = self.unused[project]
        for n in range(count):
            model = models[int(uniform() * len(models))]
            if model in unused:
                unused.remove(model)
            key = (
                via[int(uniform() * len(via))]
                if via and uniform() < 0.35
                else keys[int(uniform() * len(keys))]
            )
            self.used[user].add(key)
            share = (0.6, 0.3, 0.1)[n] if count > 1 else 1.0
            requests = _REQUESTS_PER_WEIGHT * weight * share * (0.5 + uniform())
            spec = TokenStream(
                key, user, model, False, self._tier(model), requests, activity=activity
            )
            token_stream(b, "completions", spec)

    def _batch_jobs(
        self,
        b: Builder,
        key_account: dict[int, int],
        key_users: list[list[int]],
        chat: list[list[str]],
        members: list[list[int]],
    ) -> None:
        """Batch jobs on the service accounts' keys (and a few others): nightly or month-end."""
        n_projects = self.size.projects
        uniform = self.uniform
        for key, users in enumerate(key_users):
            if key not in key_account and uniform() >= 0.05:
                continue
            project = b.topology.key_project[key]
            for _ in range(1 + (uniform() < 0.4)):
                model = chat[project][int(uniform() * len(chat[project]))]
                # Whoever the service runs the job for: one of the key's users.
                user = users[int(uniform() * len(users))] if users else members[project][0]
                month_end = uniform() < 0.35
                requests = b.rate(100.0, 5000.0) * (15.0 if month_end else 1.0)
                token_stream(
                    b,
                    "completions",
                    TokenStream(
                        key,
                        user,
                        model,
                        True,
                        "default",
                        requests,
                        activity=1.0 if month_end else 0.9,
                        variant=project if month_end else n_projects + project,
                        month_end=month_end,
                    ),
                )

    def _projects_with(self, share: float, at_least: int) -> list[int]:
        """Projects that use a product: each with probability ``share``, at least ``at_least``."""
        n = self.size.projects
        chosen = [p for p in range(n) if self.uniform() < share]
        for i in range(at_least):
            if len(chosen) >= at_least:
                break
            chosen.append(i % n)
        return chosen

    def _other_usage(
        self,
        b: Builder,
        members: list[list[int]],
        project_keys: list[list[int]],
        chat: list[list[str]],
        store_project: Sequence[int],
    ) -> None:
        uniform = self.uniform

        def who(project: int) -> tuple[int, int]:
            keys, team = project_keys[project], members[project]
            return keys[int(uniform() * len(keys))], team[int(uniform() * len(team))]

        for n, project in enumerate(self._projects_with(0.4, 2)):
            key, user = who(project)
            model = EMBEDDING_MODELS[n % 2]
            s = b.per_request("embeddings", key, user, model, (200.0, 20000.0), 400.0)
            b.line(s, f"{model}, input", "tokens", (1,), P.TOKEN_PRICES[model].input / 1e6)
        for n, project in enumerate(self._projects_with(0.25, 2)):
            key, user = who(project)
            b.per_request(
                "moderations", key, user, MODERATION_MODELS[n % 2], (100.0, 5000.0), 120.0
            )
        for n, project in enumerate(self._projects_with(0.15, 4)):
            key, user = who(project)
            model, source, image_size, per_request = IMAGE_KINDS[n % len(IMAGE_KINDS)]
            requests = b.rate(5.0, 200.0)
            s = b.add(
                "images",
                b.who(key, user) | {"model": model, "source": source, "size": image_size},
                (requests, requests * (per_request - 1.0 + 0.5 * uniform())),
                project=project,
            )
            b.line(
                s,
                f"{model}, {image_size} images",
                "images",
                (0, 1),
                P.IMAGE_PRICES[model, image_size],
            )
        for n, project in enumerate(self._projects_with(0.1, 2)):
            key, user = who(project)
            model = SPEECH_MODELS[n % 2]
            s = b.per_request("audio_speeches", key, user, model, (20.0, 800.0), 450.0)
            b.line(s, f"{model}, characters", "characters", (1,), P.SPEECH_PRICES[model] / 1e6)
        for n, project in enumerate(self._projects_with(0.1, 2)):
            key, user = who(project)
            model = TRANSCRIPTION_MODELS[n % 2]
            s = b.per_request("audio_transcriptions", key, user, model, (20.0, 600.0), 95.0)
            b.line(s, f"{model}, audio", "duration_seconds", (1,), P.TRANSCRIPTION_PRICES[model])
        for store, project in enumerate(store_project):
            created = DAY0 + int(uniform() * 400)
            s = b.per_project(
                "vector_stores", project, (b.rate(5e6, 5e9),), gauge=True, created_day=created
            )
            b.line(
                s,
                "vector store storage",
                "gibibyte_hours",
                (0,),
                P.VECTOR_STORAGE_PRICE_PER_GIB_DAY / 24.0,
            )
            key, user = who(project)
            s = b.add(
                "file_search_calls",
                b.who(key, user) | {"vector_store_id": b.stores[store]},
                (b.rate(30.0, 3000.0),),
                project=project,
            )
            b.line(s, "file search tool calls", "calls", (0,), P.FILE_SEARCH_PRICE_PER_1000 / 1000)
        for project in self._projects_with(0.2, 1):
            s = b.per_project("code_interpreter_sessions", project, (b.rate(10.0, 600.0),))
            b.line(
                s,
                "code interpreter sessions",
                "sessions",
                (0,),
                P.CODE_INTERPRETER_PRICE_PER_SESSION,
            )
        for n, project in enumerate(self._projects_with(0.25, 3)):
            key, user = who(project)
            model = chat[project][int(uniform() * len(chat[project]))]
            level = _LEVELS[n % 3]
            requests = b.rate(20.0, 2000.0)
            s = b.add(
                "web_search_calls",
                b.who(key, user)
                | {
                    "model": model,
                    "context_level": level,
                    "api_source": api_source(key, b.topology),
                },
                (requests, requests * (0.2 + 0.8 * uniform())),
                project=project,
            )
            b.line(
                s,
                f"web search tool calls, {level} context",
                "calls",
                (0, 1),
                P.WEB_SEARCH_PRICES[level] / 1000,
            )
        for project in self._projects_with(0.2, 1):
            key, user = who(project)
            model = chat[project][int(uniform() * len(chat[project]))]
            batch = uniform() < 0.15
            requests = b.rate(15.0, 2000.0) * (3.0 if batch else 1.0)
            spec = TokenStream(key, user, model, batch, "default", requests, "decisions ")
            token_stream(b, "decisions", spec)
