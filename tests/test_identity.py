from __future__ import annotations

import pytest

from wpmigrate.identity import classify
from wpmigrate.model import Meta


def _who(email="", url="", user_id=None, comment_type="comment", **meta):
    found = classify(email=email, url=url, user_id=user_id, comment_type=comment_type,
                     meta=[Meta(k, v) for k, v in meta.items()])
    return found.provider, found.provider_id, found.avatar


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"hc_post_as": "facebook", "hc_foreign_user_id": "42", "hc_avatar": "https://graph.facebook.com/42/picture"},
         ("facebook", "42", "https://graph.facebook.com/42/picture")),
        ({"hc_post_as": "wordpress", "hc_foreign_user_id": "7"}, ("wordpress.com", "7", None)),
        ({"hc_post_as": "jetpack", "hc_foreign_user_id": "3"}, ("jetpack", "3", None)),
        ({"hc_post_as": "googleplus"}, ("google", None, None)),
        ({"hc_avatar": "http://pbs.twimg.com/profile_images/1/x_normal.jpeg", "url": "http://twitter.com/jack"},
         ("twitter", "jack", "http://pbs.twimg.com/profile_images/1/x_normal.jpeg")),
        ({"dsq_post_id": "123"}, ("disqus", None, None)),
        ({"email": "user-9876@disqus.com"}, ("disqus", "9876", None)),
        ({"email": "anonymized-0123456789abcdef0123456789abcdef@disqus.com"}, ("disqus", None, None)),
        ({"url": "https://www.facebook.com/app_scoped_user_id/555/"}, ("facebook", "555", None)),
        ({"url": "https://x.com/someone"}, ("twitter", "someone", None)),
        ({"email": "12345@linkedin.com"}, ("linkedin", "12345", None)),
        ({"email": "facebook_user_bob@example.com"}, ("facebook", None, None)),
        ({"user_id": 5}, ("local", "5", None)),
        ({"comment_type": "pingback", "url": "https://other.example/post"}, ("linkback", "https://other.example/post", None)),
        ({"protocol": "activitypub", "source_id": "https://mastodon.example/@a/1", "avatar_url": "https://m.example/a.png"},
         ("activitypub", "https://mastodon.example/@a/1", "https://m.example/a.png")),
        ({"url": "https://someone.wordpress.com"}, ("wordpress.com", "someone", None)),
        ({"email": "guest@example.org", "url": "https://guest.example.org"}, ("guest", None, None)),
        ({}, ("guest", None, None)),
        # what a rendered page shows: the avatar alone, a Facebook Graph picture with the user's id
        ({"hc_avatar": "https://graph.facebook.com/v2.2/100004/picture?type=large"},
         ("facebook", "100004", "https://graph.facebook.com/v2.2/100004/picture?type=large")),
        # an avatar that says nothing of the login is kept beside what the other rules find
        ({"hc_avatar": "https://secure.gravatar.com/avatar/ab12?s=40"}, ("guest", None, "https://secure.gravatar.com/avatar/ab12?s=40")),
        ({"user_id": 2, "hc_avatar": "https://secure.gravatar.com/avatar/cd34"}, ("local", "2", "https://secure.gravatar.com/avatar/cd34")),
        ({"comment_type": "pingback", "url": "https://o.example/p", "hc_avatar": "https://secure.gravatar.com/avatar/0"},
         ("linkback", "https://o.example/p", None)),
    ],
)
def test_classify(kwargs, expected):
    assert _who(**kwargs) == expected
