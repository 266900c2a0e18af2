<?php
/**
 * Load the parts of WordPress that render content, with no database and no network.
 *
 * The files are the ones wp-settings.php loads, in its order, minus the database, multisite,
 * plugins, themes and the REST API. `$wpdb` is a stub whose queries throw (so nothing reads a
 * database unnoticed), options come from a fixed table (`pre_option`), HTTP requests fail
 * (`pre_http_request`), and post meta writes are dropped. Posts, attachments and their meta are
 * put in WordPress's object cache by the harness, where get_post() and get_post_meta() find them.
 */

define( 'ABSPATH', rtrim( getenv( 'WPMIGRATE_WORDPRESS' ) ?: '/usr/share/wordpress', '/' ) . '/' );
define( 'WPINC', 'wp-includes' );
define( 'WP_CONTENT_DIR', sys_get_temp_dir() . '/wpmigrate-oracle-content' );
define( 'WP_CONTENT_URL', 'http://example.org/wp-content' );
define( 'WP_PLUGIN_DIR', WP_CONTENT_DIR . '/plugins' );
define( 'WP_PLUGIN_URL', WP_CONTENT_URL . '/plugins' );
define( 'WP_LANG_DIR', WP_CONTENT_DIR . '/languages' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_DEBUG', false );

if ( ! is_file( ABSPATH . WPINC . '/formatting.php' ) ) {
	fwrite( STDERR, 'WordPress is not at ' . ABSPATH . " (Debian: apt-get install wordpress)\n" );
	exit( 2 );
}

require ABSPATH . WPINC . '/version.php';
require ABSPATH . WPINC . '/load.php';
require ABSPATH . WPINC . '/default-constants.php';
require_once ABSPATH . WPINC . '/plugin.php';
wp_initial_constants();
date_default_timezone_set( 'UTC' );

foreach ( array(
	'compat', 'class-wp-list-util', 'formatting', 'meta', 'functions', 'class-wp-meta-query',
	'class-wp-matchesmapregex', 'class-wp-error', 'pomo/mo', 'cache', 'l10n',
	'class-wp-textdomain-registry', 'class-wp-locale', 'class-wp-walker', 'capabilities',
	'class-wp-roles', 'class-wp-role', 'class-wp-user', 'class-wp-query', 'query', 'theme',
	'general-template', 'link-template', 'author-template', 'post', 'class-wp-post-type',
	'class-wp-post', 'post-template', 'post-formats', 'post-thumbnail-template', 'category',
	'category-template', 'comment', 'class-wp-comment', 'comment-template', 'rewrite', 'feed',
	'kses', 'deprecated', 'script-loader', 'taxonomy', 'class-wp-taxonomy', 'class-wp-term',
	'shortcodes', 'embed', 'class-wp-embed', 'class-wp-oembed', 'media', 'http', 'user',
	'class-wp-block-type', 'class-wp-block-type-registry', 'class-wp-block', 'class-wp-block-list',
	'class-wp-block-parser', 'blocks', 'block-template', 'pluggable', 'class-wp-tax-query',
	'class-wp-date-query', 'class-wp-theme', 'class-wp-theme-json-schema', 'class-wp-theme-json-data',
	'class-wp-theme-json', 'class-wp-theme-json-resolver', 'global-styles-and-settings', 'class-wp-block-supports', 'class-wp-block-styles-registry',
	'https-detection', 'https-migration', 'revision', 'class-wp-rewrite', 'block-editor',
) as $file ) {
	require_once ABSPATH . WPINC . "/$file.php";
}
foreach ( array_merge( array( ABSPATH . WPINC . '/style-engine.php' ), glob( ABSPATH . WPINC . '/style-engine/*.php' ), glob( ABSPATH . WPINC . '/block-supports/*.php' ) ) as $file ) {
	require_once $file; // their render_block filters only act on registered block types: none are
}

foreach ( array( 'OBJECT', 'OBJECT_K', 'ARRAY_A', 'ARRAY_N' ) as $name ) {
	define( $name, $name );
}

/**
 * The database: any query is an error (the harness reports it for the item at hand), except
 * the priming of posts and meta by id: those the export holds are already in the cache, so
 * what is asked for does not exist.
 */
class WPMigrate_No_Database {
	public $prefix = 'wp_';
	public $posts = 'wp_posts';
	public $postmeta = 'wp_postmeta';
	public $options = 'wp_options';
	public $comments = 'wp_comments';
	public $term_relationships = 'wp_term_relationships';
	public $term_taxonomy = 'wp_term_taxonomy';
	public $terms = 'wp_terms';
	public $users = 'wp_users';

	public function prepare( $query, ...$args ) {
		return $query;
	}

	public function suppress_errors( $suppress = true ) {
		return false;
	}

	public function placeholder_escape() {
		return '{wpmigrate-placeholder}';
	}

	public function remove_placeholder_escape( $query ) {
		return $query;
	}

	public function _escape( $data ) {
		return is_array( $data ) ? array_map( array( $this, '_escape' ), $data ) : addslashes( (string) $data );
	}

	public function esc_like( $text ) {
		return addcslashes( $text, '_%\\' );
	}

	public function __call( $name, $args ) {
		$caller = ( new Exception() )->getTrace()[1]['function'] ?? '';
		if ( 'get_results' === $name && in_array( $caller, array( '_prime_post_caches', 'update_meta_cache' ), true ) ) {
			return array(); // posts and meta the export does not hold (an image's wp-image-N class)
		}
		$callers = array_column( array_slice( ( new Exception() )->getTrace(), 1, 4 ), 'function' );
		throw new RuntimeException( "WordPress asked the database ($name, from " . implode( ' < ', $callers ) . '), which the oracle does not have' );
	}
}

$GLOBALS['wpdb'] = new WPMigrate_No_Database();
wp_cache_init();
require ABSPATH . WPINC . '/default-filters.php';
$GLOBALS['wp_textdomain_registry'] = new WP_Textdomain_Registry();
$GLOBALS['wp_locale'] = new WP_Locale();
$GLOBALS['wp_embed'] = new WP_Embed();
$GLOBALS['current_user'] = new WP_User( 0 ); // a visitor: no capabilities
$GLOBALS['shortcode_tags'] = $GLOBALS['shortcode_tags'] ?? array();

/** The site's options: WordPress's defaults for a fresh install, as far as rendering reads them. */
$GLOBALS['wpmigrate_options'] = array(
	'siteurl' => 'http://example.org',
	'home' => 'http://example.org',
	'use_smilies' => '1',
	'blog_charset' => 'UTF-8',
	'html_type' => 'text/html',
	'embed_autourls' => '1',
	'embed_size_w' => '',
	'embed_size_h' => 600,
	'thumbnail_size_w' => 150,
	'thumbnail_size_h' => 150,
	'medium_size_w' => 300,
	'medium_size_h' => 300,
	'large_size_w' => 1024,
	'large_size_h' => 1024,
	'image_default_link_type' => 'none',
	'upload_path' => '',
	'upload_url_path' => '',
	'uploads_use_yearmonth_folders' => '1',
	'permalink_structure' => '',
	'WPLANG' => '',
	'timezone_string' => 'UTC',
	'gmt_offset' => 0,
);
wp_cache_set( 'alloptions', $GLOBALS['wpmigrate_options'], 'options' ); // _wp_specialchars() reads it directly
add_filter(
	'pre_option',
	static function ( $pre, $option ) {
		if ( array_key_exists( $option, $GLOBALS['wpmigrate_options'] ) ) {
			return $GLOBALS['wpmigrate_options'][ $option ];
		}
		// Any other option is not set: get_option() gives its default.
		$unset = wp_cache_get( 'notoptions', 'options' ) ?: array();
		$unset[ $option ] = true;
		wp_cache_set( 'notoptions', $unset, 'options' );
		return false;
	},
	10,
	2
);
add_filter( 'pre_http_request', static fn() => new WP_Error( 'wpmigrate_offline', 'the oracle has no network' ) );
add_filter( 'pre_oembed_result', static fn() => false );
foreach ( array( 'update', 'add', 'delete' ) as $verb ) {
	add_filter( "{$verb}_post_metadata", static fn() => true );
}

$GLOBALS['wp_rewrite'] = new WP_Rewrite(); // plain permalinks: ?p=ID, ?attachment_id=ID
create_initial_post_types();
smilies_init();
wp_maybe_load_embeds();
