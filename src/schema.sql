-- Target schema of plotsql (PostgreSQL 13 or later).
-- Create an empty target database with:  plotsql schema | psql -X -v ON_ERROR_STOP=1 -d "$DATABASE_URL"

BEGIN;

CREATE TABLE public.languages (
    id character varying(50) NOT NULL,
    name character varying(100) NOT NULL,
    file_extension character varying(10) NOT NULL,
    runtime_version character varying(50),
    documentation_url character varying(500),
    description text,
    created timestamp without time zone DEFAULT now(),
    CONSTRAINT languages_pkey PRIMARY KEY (id)
);

CREATE TABLE public.libraries (
    id character varying NOT NULL,
    name character varying NOT NULL,
    language_id character varying(50) NOT NULL,
    version character varying,
    documentation_url character varying,
    description text,
    CONSTRAINT libraries_pkey PRIMARY KEY (id),
    CONSTRAINT libraries_language_id_fkey FOREIGN KEY (language_id)
        REFERENCES public.languages(id) ON DELETE RESTRICT
);

CREATE TABLE public.specs (
    id character varying(100) NOT NULL,
    title character varying(255) NOT NULL,
    description text,
    applications character varying[] NOT NULL,
    data character varying[] NOT NULL,
    notes character varying[] NOT NULL,
    created timestamp without time zone,
    updated timestamp without time zone,
    issue integer,
    suggested character varying(100),
    tags jsonb,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT specs_pkey PRIMARY KEY (id)
);

CREATE TABLE public.impls (
    id uuid NOT NULL,
    spec_id character varying NOT NULL,
    library_id character varying NOT NULL,
    language_id character varying(50) NOT NULL,
    code text,
    preview_url_light character varying,
    preview_url_dark character varying,
    preview_html_light character varying,
    preview_html_dark character varying,
    python_version character varying,
    library_version character varying,
    tested jsonb,
    quality_score double precision,
    generated_at timestamp without time zone,
    updated timestamp without time zone,
    generated_by character varying(100),
    issue integer,
    workflow_run bigint,
    review_strengths character varying[] NOT NULL,
    review_weaknesses character varying[] NOT NULL,
    review_image_description text,
    review_criteria_checklist jsonb,
    review_verdict character varying(20),
    impl_tags jsonb,
    updated_at timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT impls_pkey PRIMARY KEY (id),
    CONSTRAINT uq_impl UNIQUE (spec_id, language_id, library_id),
    CONSTRAINT impls_spec_id_fkey FOREIGN KEY (spec_id)
        REFERENCES public.specs(id) ON DELETE CASCADE,
    CONSTRAINT impls_library_id_fkey FOREIGN KEY (library_id)
        REFERENCES public.libraries(id) ON DELETE CASCADE,
    CONSTRAINT impls_language_id_fkey FOREIGN KEY (language_id)
        REFERENCES public.languages(id) ON DELETE RESTRICT,
    CONSTRAINT ck_quality_score_range CHECK (
        quality_score IS NULL OR (quality_score >= 0::double precision AND quality_score <= 100::double precision)),
    CONSTRAINT ck_review_verdict_valid CHECK (
        review_verdict IS NULL OR review_verdict::text = ANY (ARRAY['APPROVED'::character varying, 'REJECTED'::character varying]::text[]))
);

COMMIT;
