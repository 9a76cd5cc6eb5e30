/** Named crash points that crash tests arm through a system property; inert otherwise. */
package io.segflow.failpoint;
