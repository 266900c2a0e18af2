<?php
/**
 * WordPress's own rendering of posts and comments, for differential tests (tests/oracle/).
 *
 * Usage: php harness.php < requests.jsonl > results.jsonl
 *
 * Standard input is JSON lines. The first line sets the run up:
 *   {"home": URL, "attachments": [{"id", "url", "parent", "title", "caption", "alt"}],
 *    "markers": [tag, ...], "first": [tag, ...], "skip": [filter, ...]}
 * "markers": shortcode tags replaced by a marker (<span class="wpm-shortcode" title="JSON">)
 * holding the tag, its parsed attributes and its raw content (so that markup the project
 * writes differently can still be compared: where, and with what arguments); "first": those
 * of them run before wpautop, at priority 7 (what SyntaxHighlighter does); "skip": filters
 * taken out of the comparable chains (the deliberate differences), WP_Embed's methods named
 * "WP_Embed::autoembed".
 * Every further line is an item: {"id", "kind": "post"|"comment", "text", "post_id", "meta": {}}.
 * One line of output per item: {"id", "stages": {stage: html}, "errors": {stage: message}}.
 * Stages of a post: do_blocks, wptexturize, convert_smilies, wpautop, shortcode_unautop (of
 * wpautop's output), do_shortcode, the_content (all filters as core registers them), and
 * do_blocks_comparable and the_content_comparable (without "skip", with markers); of a comment:
 * make_clickable (as comment_text runs it), wpautop, comment_text, comment_text_comparable.
 */

error_reporting( E_ALL );
ini_set( 'display_errors', 'stderr' );
ini_set( 'log_errors', '0' );
require __DIR__ . '/bootstrap.php';

$wpmigrate_core_tags = $GLOBALS['shortcode_tags'];

/**
 * One shortcode as a marker: a span holding its tag, its parsed attributes (as [name, value]
 * pairs, in order) and its raw content, as JSON. tests/oracle/cleaner.py writes the same.
 */
function wpmigrate_marker( $atts, $content, $tag ) {
	$pairs = array();
	foreach ( is_array( $atts ) ? $atts : array() as $name => $value ) {
		$pairs[] = array( (string) $name, $value );
	}
	// Brackets inside HTML tags reach the handler hidden as &#91; &#93;; do_shortcode() puts
	// them back in its output, so the marker shows them as the page does.
	$content = strtr( (string) $content, array( '&#91;' => '[', '&#93;' => ']' ) );
	$data = json_encode(
		array( 'tag' => $tag, 'atts' => $pairs, 'content' => $content ),
		JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE
	);
	return '<span class="wpm-shortcode" title="' . htmlspecialchars( $data, ENT_QUOTES ) . '"></span>';
}

/** A filter of the_content or comment_text by name; WP_Embed's methods as "WP_Embed::name". */
function wpmigrate_callback( string $name ) {
	return 0 === strpos( $name, 'WP_Embed::' ) ? array( $GLOBALS['wp_embed'], substr( $name, 10 ) ) : $name;
}

/** The attachments of the export as posts in the object cache, where get_post() finds them. */
function wpmigrate_cache_attachments( array $attachments ) {
	foreach ( $attachments as $att ) {
		$type = wp_check_filetype( $att['url'] );
		$post = new WP_Post(
			(object) array(
				'ID' => (int) $att['id'], 'post_type' => 'attachment', 'post_status' => 'inherit',
				'post_parent' => (int) ( $att['parent'] ?? 0 ), 'post_title' => $att['title'] ?? '',
				'post_excerpt' => $att['caption'] ?? '', 'guid' => $att['url'],
				'post_mime_type' => $type['type'] ?: '', 'filter' => 'raw',
			)
		);
		wp_cache_add( $post->ID, $post, 'posts' );
		wp_cache_add( $post->ID, array( '_wp_attachment_image_alt' => array( $att['alt'] ?? '' ) ), 'post_meta' );
		$GLOBALS['wpmigrate_attachments'][ $post->ID ] = $post;
	}
}

/** WP_Query's answer for attachment queries (galleries, playlists), from the export; no oEmbed cache posts. */
function wpmigrate_query_attachments( $posts, $query ) {
	$type = $query->query_vars['post_type'] ?? '';
	if ( 'oembed_cache' === $type ) {
		return array(); // exports never hold the site-wide oEmbed cache
	}
	if ( 'attachment' !== $type ) {
		return $posts; // anything else goes to the database, which answers with an error
	}
	$vars = $query->query_vars + array( 'post__in' => array(), 'post_parent' => '', 'post_mime_type' => '', 'orderby' => '' );
	$found = array();
	foreach ( $GLOBALS['wpmigrate_attachments'] ?? array() as $id => $att ) {
		if ( ( $vars['post__in'] && ! in_array( $id, array_map( 'intval', $vars['post__in'] ), true ) )
			|| ( '' !== $vars['post_parent'] && (int) $vars['post_parent'] !== $att->post_parent )
			|| ( $vars['post_mime_type'] && 0 !== strpos( $att->post_mime_type, $vars['post_mime_type'] . '/' ) ) ) {
			continue;
		}
		$found[ $id ] = $att;
	}
	if ( $vars['post__in'] && 'post__in' === $vars['orderby'] ) {
		$found = array_filter( array_map( fn( $id ) => $found[ (int) $id ] ?? null, $vars['post__in'] ) );
	} else {
		ksort( $found );
	}
	return array_values( $found );
}

/** The post the item belongs to, set up as the global post (shortcodes and embeds read it). */
function wpmigrate_setup_post( array $item ) {
	$id = (int) ( $item['post_id'] ?? 0 );
	$post = new WP_Post(
		(object) array( 'ID' => $id, 'post_type' => 'post', 'post_status' => 'publish', 'filter' => 'raw',
			'post_content' => 'post' === $item['kind'] ? $item['text'] : '' )
	);
	wp_cache_set( $id, $post, 'posts' );
	$meta = array();
	foreach ( $item['meta'] ?? array() as $key => $value ) {
		$meta[ $key ] = array( $value );
	}
	wp_cache_set( $id, $meta, 'post_meta' );
	$GLOBALS['post'] = $post;
	$GLOBALS['wp_embed']->post_ID = $id;
	return $post;
}

/** Run `$fn` with these shortcodes and without the `$skip` filters (on every hook), then restore both. */
function wpmigrate_with( array $shortcodes, array $skip, callable $fn ) {
	global $shortcode_tags, $wp_filter;
	$saved_tags = $shortcode_tags;
	$saved_hooks = array();
	foreach ( array_keys( $wp_filter ) as $hook ) {
		foreach ( $skip as $name ) {
			$callback = wpmigrate_callback( $name );
			$priority = has_filter( $hook, $callback );
			if ( false !== $priority ) {
				$saved_hooks[ $hook ] = $saved_hooks[ $hook ] ?? clone $wp_filter[ $hook ];
				remove_filter( $hook, $callback, $priority );
			}
		}
	}
	$shortcode_tags = $shortcodes;
	try {
		return $fn();
	} finally {
		$shortcode_tags = $saved_tags;
		foreach ( $saved_hooks as $hook => $callbacks ) {
			$wp_filter[ $hook ] = $callbacks;
		}
	}
}

/** Run `$fn` as if `$hook` were running (make_clickable adds rel="ugc" in comment_text only). */
function wpmigrate_as_filter( string $hook, callable $fn ) {
	global $wp_current_filter;
	$wp_current_filter[] = $hook;
	try {
		return $fn();
	} finally {
		array_pop( $wp_current_filter );
	}
}

/** the_content with the "first" shortcodes run before wpautop, at priority 7 (SyntaxHighlighter). */
function wpmigrate_the_content_first( string $text ) {
	add_filter( 'the_content', 'wpmigrate_do_first', 7 );
	try {
		return apply_filters( 'the_content', $text );
	} finally {
		remove_filter( 'the_content', 'wpmigrate_do_first', 7 );
	}
}

/** The "first" shortcodes alone. */
function wpmigrate_do_first( $content ) {
	global $shortcode_tags, $wpmigrate_setup;
	$all = $shortcode_tags;
	$shortcode_tags = array_intersect_key( $all, array_flip( $wpmigrate_setup['first'] ?? array() ) );
	try {
		return do_shortcode( $content );
	} finally {
		$shortcode_tags = $all;
	}
}

/** The stages of a comment, by name. */
function wpmigrate_comment_stages( string $text, WP_Post $post, int $id, array $markers, array $skip ) {
	$comment = new WP_Comment( (object) array( 'comment_ID' => $id, 'comment_post_ID' => $post->ID, 'comment_content' => $text ) );
	$comment_text = fn() => apply_filters( 'comment_text', $text, $comment, array() );
	return array(
		'make_clickable' => fn() => wpmigrate_as_filter( 'comment_text', fn() => make_clickable( $text ) ),
		'wpautop' => fn() => wpautop( $text ),
		'comment_text' => $comment_text,
		'comment_text_comparable' => fn() => wpmigrate_with( $markers, $skip, $comment_text ),
	);
}

/** The stages of a post, by name. */
function wpmigrate_post_stages( string $text, array $markers, array $skip ) {
	return array(
		'do_blocks' => fn() => do_blocks( $text ),
		'do_blocks_comparable' => fn() => wpmigrate_with( $markers, $skip, fn() => do_blocks( $text ) ),
		'wptexturize' => fn() => wptexturize( $text ),
		'convert_smilies' => fn() => convert_smilies( $text ),
		'wpautop' => fn() => wpautop( $text ),
		'shortcode_unautop' => fn() => wpmigrate_with( $markers, array(), fn() => shortcode_unautop( wpautop( $text ) ) ),
		'do_shortcode' => fn() => wpmigrate_with( $markers, array(), fn() => do_shortcode( $text ) ),
		'the_content' => fn() => apply_filters( 'the_content', $text ),
		'the_content_comparable' => fn() => wpmigrate_with( $markers, $skip, fn() => wpmigrate_the_content_first( $text ) ),
	);
}

/** Each stage of one item; a stage that fails gives its message instead. */
function wpmigrate_render( array $item, array $setup ) {
	global $wpmigrate_core_tags;
	$post = wpmigrate_setup_post( $item );
	$markers = $wpmigrate_core_tags;
	foreach ( $setup['markers'] ?? array() as $tag ) {
		$markers[ $tag ] = 'wpmigrate_marker';
	}
	$skip = $setup['skip'] ?? array();
	$stages = 'comment' === $item['kind']
		? wpmigrate_comment_stages( (string) $item['text'], $post, (int) $item['id'], $markers, $skip )
		: wpmigrate_post_stages( (string) $item['text'], $markers, $skip );
	$out = array( 'id' => $item['id'], 'stages' => array(), 'errors' => array() );
	foreach ( $stages as $name => $fn ) {
		try {
			$out['stages'][ $name ] = $fn();
		} catch ( Throwable $e ) {
			$out['errors'][ $name ] = $e->getMessage();
			wpmigrate_reset_hooks();
		}
		// do_blocks() puts wpautop back after shortcode_unautop: each post starts afresh.
		wpmigrate_reset_hooks( array( 'the_content', 'comment_text' ) );
	}
	return $out;
}

/**
 * The hooks (all, or these) as they were before the first item: a stage that threw left the
 * hooks it was running mid-iteration, and do_blocks() reorders the_content's filters; either
 * would change what later items get.
 */
function wpmigrate_reset_hooks( ?array $hooks = null ) {
	global $wp_filter, $wp_current_filter, $wpmigrate_pristine_hooks;
	foreach ( $hooks ?? array_keys( $wp_filter + $wpmigrate_pristine_hooks ) as $hook ) {
		unset( $wp_filter[ $hook ] );
		if ( isset( $wpmigrate_pristine_hooks[ $hook ] ) ) {
			$wp_filter[ $hook ] = clone $wpmigrate_pristine_hooks[ $hook ];
		}
	}
	if ( null === $hooks ) {
		$wp_current_filter = array();
	}
}

$header = fgets( STDIN );
$wpmigrate_setup = json_decode( (string) $header, true );
if ( ! is_array( $wpmigrate_setup ) ) {
	fwrite( STDERR, "harness.php: the first line must be the run's settings, as a JSON object\n" );
	exit( 2 );
}
if ( ! empty( $wpmigrate_setup['home'] ) ) {
	$wpmigrate_options['home'] = $wpmigrate_options['siteurl'] = $wpmigrate_setup['home'];
	wp_cache_set( 'alloptions', $wpmigrate_options, 'options' );
}
wpmigrate_cache_attachments( $wpmigrate_setup['attachments'] ?? array() );
add_filter( 'posts_pre_query', 'wpmigrate_query_attachments', 10, 2 );
$wpmigrate_pristine_hooks = array_map( fn( $callbacks ) => clone $callbacks, $wp_filter );

while ( false !== ( $line = fgets( STDIN ) ) ) {
	if ( '' === trim( $line ) ) {
		continue;
	}
	$item = json_decode( $line, true );
	if ( ! is_array( $item ) || ! isset( $item['text'] ) ) {
		fwrite( STDERR, 'harness.php: not an item: ' . substr( $line, 0, 80 ) . "\n" );
		exit( 2 );
	}
	echo json_encode( wpmigrate_render( $item, $wpmigrate_setup ), JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES ), "\n";
	fflush( STDOUT ); // a caller may wait for each answer before sending the next item
}
