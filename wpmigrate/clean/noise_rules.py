"""The widget-noise rules: one data table, read by :mod:`wpmigrate.clean.noise`.

Each row is a plain dict with the same keys a user's extra rules file uses
(see :func:`wpmigrate.clean.noise.load_rules`):

``name``
    Counted under this name ("noise:likes": 2) and disabled by it.
``selector``
    CSS selectors (a list, or one string with commas); every element that matches is
    removed with everything inside it. Classes and ids come first because WordPress.com
    translates the visible labels per site ("Teilen mit:", "Gefällt mir:", "赞过：").
``text``
    Regular expressions for noise that carries no markup (a scraped page pasted into a
    post). An element is removed only when its *whole* text, with runs of whitespace
    made one space, matches one of them; a sentence that merely contains
    "like this" never does. Case matters; for a case-blind part use a scoped flag,
    ``(?i:...)``, since alternatives are joined into one expression.
``tags``
    Which elements a ``text`` pattern may remove (default: block elements, see
    ``TEXT_TAGS`` in noise.py). Inline elements are never removed by text, so a
    phrase inside a sentence stays.
``comment``
    Regular expressions for HTML comments to remove (whole stripped comment text).
``description``
    What the rule is for; where markup is not verified against WordPress source, it says so.

Rows are applied in order: the likes widget sits inside a ``.sharedaddy`` wrapper, so
"noise:likes" comes before "noise:sharing" and each is counted under its own name.
Sources: docs/wordpress-reference.md section 4 in the shared folder.

Not noise, and deliberately absent: ``<span id="more-123"></span>`` (marks the teaser
split), comment lists (they are content the pipeline may want), ``.screen-reader-text``.
"""

_SHARE_SERVICES = (
    r"(?:Twitter|X|Facebook|LinkedIn|Reddit|Tumblr|Pinterest|Pocket|Telegram|WhatsApp|"
    r"Skype|Mastodon|Threads|Bluesky|Nextdoor|Email|E-Mail|Print|Drucken|More|Mehr|"
    r"Share|Teilen|Press This|Google|Google\+|分享|打印|电子邮件|更多|"
    r"Click to [^()]{1,80}\(Opens in new window\))"
)
_LIKES_TAIL = r"(?:\s*(?:Like this:|Gefällt mir:|赞过：)\s*(?:Like|Gefällt mir|赞)?\s*(?:Loading\.\.\.|Loading…|Wird geladen\.\.\.|Wird geladen…)?)?"

RULES: list[dict] = [
    {
        "name": "noise:likes",
        "description": "Jetpack/WordPress.com likes: per-post widget, likes-master iframe, "
        "'%d bloggers like this:' gravatar strip, block and comment likes "
        "(comment-likes markup not verified).",
        "selector": [
            ".jetpack-likes-widget-wrapper",
            ".sd-like",
            '[id^="like-post-wrapper-"]',
            "#likes-master",
            'iframe[src*="widgets.wp.com/likes"]',
            ".likes-widget-placeholder",
            ".post-likes-widget-placeholder",
            "#likes-other-gravatars",
            ".sd-like-gravatars",
            ".wp-block-jetpack-likes",
            ".comment-likes",
            ".comment-likes-widget-placeholder",
        ],
        "text": [
            r"(?:Like this:|Gefällt mir:|赞过：)\s*(?:Like|Gefällt mir|赞)\s*(?:Loading\.\.\.|Loading…|Wird geladen\.\.\.|Wird geladen…)?",
            r"(?:Like|Gefällt mir)\s*(?:Loading\.\.\.|Loading…|Wird geladen\.\.\.|Wird geladen…)",
            r"(?:%d|\d[\d,.]*) bloggers? likes? this:?",
            r"One blogger likes this\.?",
            r"Be the first to like this\.",
            r"(?:%d|\d[\d,.]*) Bloggern gefällt das:",
            r"(?:%d|\d[\d,.]*) ?位博主赞过：",
            r"赞过：",
        ],
    },
    {
        "name": "noise:sharing",
        "description": "Jetpack sharing buttons (Sharedaddy): the wrapper, its title, the "
        "share-* buttons, the hidden overflow, the e-mail share form, #jp-post-flair.",
        "selector": [
            ".sharedaddy",
            "#jp-post-flair",
            ".sd-sharing",
            ".sd-sharing-enabled",
            ".sd-social",
            ".sd-title",
            ".sharing-hidden",
            ".share-customize-link",
            "#sharing_email",
            ".sharing_email",
            "a.sharing-anchor",
            "a.sd-button",
            ".sharing-screen-reader-text",
            'li[class^="share-"]',
            'li[class*=" share-"]',
            'a[class^="share-"]',
            'a[class*=" share-"]',
            'a[data-shared^="sharing-"]',
            ".wp-block-jetpack-sharing-buttons",
        ],
        "text": [
            r"(?:Share this:|Teilen mit:|共享此文章：)(?:\s*" + _SHARE_SERVICES + r")*" + _LIKES_TAIL,
        ],
    },
    {
        "name": "noise:related",
        "description": "Jetpack Related Posts: the container, its headline, the JS-filled "
        "items, the block, and its 'not supported in this context' comment.",
        "selector": [
            "#jp-relatedposts",
            ".jp-relatedposts",
            ".jp-relatedposts-headline",
            ".jp-relatedposts-items",
            ".wp-block-jetpack-related-posts",
        ],
        "text": [r"\[jetpack-related-posts\]"],
        "comment": [r"Jetpack Related Posts is not supported in this context\."],
    },
    {
        "name": "noise:ads",
        "description": "WordAds: div.wpcnt > div.wpa with its 'Advertisements' / 'About these "
        "ads' label, atatags-* slots, mrec units, the preview box.",
        "selector": [
            "div.wpcnt",
            "#wordads-preview-parent",
            "div.wpa",
            ".wpa-about",
            'div[id^="atatags-"]',
            ".wpmrec",
            ".wpmrec2x",
            ".wordads_sidebar_widget",
        ],
        "text": [
            r"Advertisements",
            r"About these ads",
            r"Report this ad",
            r"Occasionally, some of your visitors may see an advertisement here.{0,200}",
        ],
        # Not headings or list items: an article may have a section called "Advertisements".
        "tags": ["p", "div"],
    },
    {
        "name": "noise:comment-form",
        "description": "Comment forms: core #respond, Jetpack's remote-comment iframe, the "
        "WordPress.com Highlander comment-form-* fields, Verbum (only some class names "
        "verified), subscription checkboxes, Akismet's hidden fields.",
        "selector": [
            "#respond",
            ".comment-respond",
            "#commentform",
            "form.comment-form",
            "#reply-title",
            ".comment-reply-title",
            "#cancel-comment-reply-link",
            '[id^="comment-form-"]',
            'p[class*="comment-form-"]',
            ".comment-form-field",
            ".comment-form-posting-as",
            ".comment-subscription-form",
            ".post-subscription-form",
            "#highlander_comment_nonce",
            "#hc_post_as",
            "#comment-submit",
            "iframe#jetpack_remote_comment",
            "iframe.jetpack_remote_comment",
            'iframe[name="jetpack_remote_comment"]',
            'iframe[src*="jetpack.wordpress.com/jetpack-comment"]',
            '[class*="verbum-"]',
            ".akismet-fields-container",
            'input[name="ak_js"]',
            '[id^="ak_js"]',
            "p.comment-notes",
            "p.logged-in-as",
            "p.must-log-in",
            "p.nocomments",
        ],
        "text": [
            r"Fill in your details below or click an icon to log in:(?:\s*Logo)?",
            r"(?:[\w.+]+ photo\s*)?You are commenting using your\b.{0,40}?\baccount\.\s*\(?\s*Log Out\s*/\s*Change\s*\)?",
            r"Connecting to %s",
            r"Enter your comment here\.\.\.",
            r"Notify me of (?:new|follow-up) (?:comments|posts) (?:via|by) email\.",
            r"Your email address will not be published\. Required fields are marked \*",
            r"Save my name, email, and website in this browser for the next time I comment\.",
            r"You must be logged in to post a comment\.",
        ],
    },
    {
        "name": "noise:subscribe",
        "description": "Jetpack subscription and WordPress.com follow widgets "
        "(#actionbar and a.wordpress-follow-button are not verified against source).",
        "selector": [
            ".jetpack_subscription_widget",
            "#subscribe-blog",
            'form[action*="subscribe.wordpress.com"]',
            ".wp-block-jetpack-subscriptions",
            "a.wordpress-follow-button",
            "#actionbar",
        ],
        "text": [
            r"Enter your email address to (?:subscribe to|follow) this blog and receive notifications of new posts by email\.",
            r"Join (?:%s|\d[\d,.]*) other (?:subscribers|followers)",
            r"Subscribe to Blog via Email",
            r"Get every new post delivered to your Inbox\.",
        ],
    },
    {
        "name": "noise:tracking",
        "description": "Tracking pixels: 1x1 and 0x0 images, the WordPress.com stats pixel, "
        "Quantcast and comScore beacons, the stats script.",
        "selector": [
            'img[width="1"][height="1"]',
            'img[width="0"][height="0"]',
            "img#wpstats",
            'img[src*="stats.wp.com"]',
            'img[src*="pixel.wp.com"]',
            'img[src*="stats.wordpress.com"]',
            'img[src*="pixel.quantserve.com"]',
            'img[src*="scorecardresearch.com"]',
            'script[src*="stats.wp.com"]',
            'script[src*="stats.wordpress.com"]',
        ],
    },
    {
        "name": "noise:loading",
        "description": "'Loading...' placeholders left behind by widgets that JS would fill.",
        "text": [
            r"(?:Loading|Wird geladen)(?: Comments)?(?:\.\.\.|…)",
        ],
    },
    {
        "name": "noise:wpcom-chrome",
        "description": "WordPress.com footer and marketing lines that end up in scraped pages.",
        "text": [
            r"Blog at WordPress\.com\.",
            r"Create a free website or blog at WordPress\.com\.",
            r"Website Powered by WordPress\.com\.",
            r"Build a website with WordPress\.com",
            r"Already have a WordPress\.com account\? Log in now\.",
            r"Privacy & Cookies: This site uses cookies\..{0,300}",
        ],
    },
]
